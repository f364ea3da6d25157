using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Stock.Adjust;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>Units to add (positive) or remove (negative); never 0.</summary>
    public int? Delta { get; set; }

    /// <summary>Why (kept in the log): "delivery", "damaged", "recount".</summary>
    public string? Reason { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public const int MaxReasonLength = 200;

    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.Delta).NotNull().NotEqual(0).InclusiveBetween(-IdRules.MaxQuantity, IdRules.MaxQuantity);
        RuleFor(request => request.Reason).NotEmpty().MaximumLength(MaxReasonLength).Must(reason => !string.IsNullOrWhiteSpace(reason))
            .WithMessage($"Give a reason of 1-{MaxReasonLength} characters.");
    }
}
