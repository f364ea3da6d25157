using System.ComponentModel.DataAnnotations;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Stock.Webhooks;

namespace MultiStore.Api.Features.Webhooks.Put;

public sealed class Request
{
    /// <summary>Where low-stock alerts are POSTed: an absolute http(s) URL reachable from the platform.</summary>
    [Required]
    public string? Url { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Url)
            .NotEmpty()
            .MaximumLength(WebhookRules.MaxUrlLength)
            .Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            .WithMessage("Use an absolute http or https URL.");
    }
}
