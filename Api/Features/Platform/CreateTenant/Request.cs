using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastEndpoints;
using FluentValidation;
using MultiStore.Api.Onboarding;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.CreateTenant;

public sealed class Request
{
    /// <summary>The store's permanent slug: 2-40 of a-z, 0-9, '-'.</summary>
    [Required]
    public string? Id { get; set; }

    /// <summary>Display name, 1-100 characters.</summary>
    [Required]
    public string? Name { get; set; }

    /// <summary>1-20 host names that find the store (no scheme, no port); stored lowercase.</summary>
    [Required]
    public List<string>? Domains { get; set; }

    /// <summary>The storefront's theme, any JSON object; <c>{}</c> when absent.</summary>
    public JsonElement? Theme { get; set; }

    /// <summary>Brand colours by role (<c>primary</c>, <c>secondary</c>, <c>accent</c>…) as <c>#rgb</c> or <c>#rrggbb</c>; put under the theme's <c>colors</c>.</summary>
    public Dictionary<string, string>? BrandColors { get; set; }

    /// <summary>A category template that fills the store at once: <c>fashion</c>, <c>beauty</c>, <c>restaurant</c> or <c>furniture</c>.</summary>
    public string? Template { get; set; }

    /// <summary>The first part of every SKU the store issues (2-5 of A-Z, 0-9); made from the id when absent.</summary>
    public string? SkuPrefix { get; set; }

    /// <summary>ISO 4217 code of the store's prices (default EUR).</summary>
    public string? Currency { get; set; }
}

public sealed partial class RequestValidator : Validator<Request>
{
    public const int MaxNameLength = 100;
    public const int MaxDomains = 20;
    public const int MaxThemeLength = 16 * 1024;

    public RequestValidator()
    {
        RuleFor(request => request.Id).Must(id => TenantId.TryParse(id, out _))
            .WithMessage("Use 2-40 characters of a-z, 0-9 and '-'.");
        RuleFor(request => request.Name).NotEmpty().MaximumLength(MaxNameLength).Must(name => !string.IsNullOrWhiteSpace(name))
            .WithMessage($"Use 1-{MaxNameLength} characters.");
        RuleFor(request => request.Name).IsPrintable();
        RuleFor(request => request.Domains).NotNull().Must(domains => domains is { Count: >= 1 and <= MaxDomains })
            .WithMessage($"Give 1-{MaxDomains} domains.");
        RuleForEach(request => request.Domains).Must(IsDomain)
            .WithMessage("'{PropertyValue}' is not a host name (no scheme, no port, no path).");
        RuleFor(request => request.Domains).Must(domains => domains is null || domains.Select(Normalize).Distinct(StringComparer.Ordinal).Count() == domains.Count)
            .WithMessage("Each domain may be given once.");
        RuleFor(request => request.Theme).Must(theme => theme is null || theme.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("The theme must be a JSON object.");
        RuleFor(request => request.Theme).Must(theme => theme is null || theme.Value.GetRawText().Length <= MaxThemeLength)
            .WithMessage($"The theme may have at most {MaxThemeLength} characters of JSON.");
        RuleFor(request => request.Theme).Must(theme => theme is not { ValueKind: JsonValueKind.Object } value || StoreOnboarding.IsWritable(value))
            .WithMessage("The theme's text must be Unicode: an escape names half of a surrogate pair.");
        RuleFor(request => request.BrandColors).Must(colors => colors is null || (colors.Count <= MaxBrandColors && colors.All(IsBrandColor)))
            .WithMessage($"Give at most {MaxBrandColors} colours, each a role of a-z, 0-9, '-' with a #rgb or #rrggbb value.");
        RuleFor(request => request.Template).Must(template => template is null || StoreTemplates.IsTemplate(template))
            .WithMessage($"Use one of: {string.Join(", ", StoreTemplates.All.Keys)}.");
        RuleFor(request => request.SkuPrefix).Must(prefix => prefix is null || SkuCodes.IsPrefix(prefix))
            .WithMessage($"Use 2-{SkuCodes.MaxPrefixLength} of A-Z and 0-9, starting with a letter.");
        RuleFor(request => request.Currency).Must(currency => currency is null || CatalogRules.IsCurrency(currency))
            .WithMessage("Use an ISO 4217 code such as EUR.");
    }

    public const int MaxBrandColors = 8;

    private static bool IsBrandColor(KeyValuePair<string, string> color) =>
        BrandColorRole().IsMatch(color.Key) && color.Value is not null && HexColor().IsMatch(color.Value);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex BrandColorRole();

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HexColor();

    public static bool IsDomain(string? domain) => domain is not null && !domain.Contains(':') && HostNames.TryNormalize(domain, out _);

    public static string Normalize(string? domain) => HostNames.TryNormalize(domain, out var host) ? host : domain ?? string.Empty;
}
