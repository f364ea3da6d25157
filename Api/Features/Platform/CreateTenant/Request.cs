using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.CreateTenant;

public sealed class Request
{
    /// <summary>The store's permanent slug: 2-40 of a-z, 0-9, '-'.</summary>
    public string? Id { get; set; }

    /// <summary>Display name, 1-100 characters.</summary>
    public string? Name { get; set; }

    /// <summary>1-20 host names that find the store (no scheme, no port); stored lowercase.</summary>
    public List<string>? Domains { get; set; }

    /// <summary>The storefront's theme, any JSON object; <c>{}</c> when absent.</summary>
    public JsonElement? Theme { get; set; }
}

public sealed class RequestValidator : Validator<Request>
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
    }

    public static bool IsDomain(string? domain) => domain is not null && !domain.Contains(':') && HostNames.TryNormalize(domain, out _);

    public static string Normalize(string? domain) => HostNames.TryNormalize(domain, out var host) ? host : domain ?? string.Empty;
}
