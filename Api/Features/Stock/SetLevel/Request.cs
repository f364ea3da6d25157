using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Stock.SetLevel;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>The new on-hand count (required).</summary>
    public int? OnHand { get; set; }

    /// <summary>Units never offered to shoppers; unchanged when absent.</summary>
    public int? SafetyStock { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.OnHand).NotNull().InclusiveBetween(0, IdRules.MaxOnHand);
        RuleFor(request => request.SafetyStock).InclusiveBetween(0, IdRules.MaxOnHand);
    }
}
