using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Storefront;

namespace MultiStore.Api.Features.Storefront.SetTheme;

public sealed class Request
{
    /// <summary>The whole theme, a JSON object (colours, fonts, section layout…); it replaces the current one.</summary>
    [Required]
    public JsonElement? Theme { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Theme).Must(theme => theme is { ValueKind: JsonValueKind.Object }).WithMessage("The theme must be a JSON object.");
        RuleFor(request => request.Theme).Must(theme => theme is null || theme.Value.GetRawText().Length <= StorefrontGrain.MaxThemeLength)
            .WithMessage($"The theme may have at most {StorefrontGrain.MaxThemeLength} characters of JSON.");
    }
}
