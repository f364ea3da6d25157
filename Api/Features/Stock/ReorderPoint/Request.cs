using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Stock.ReorderPoint;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>Alert when available falls to or below this; null (or absent) removes the threshold.</summary>
    public int? ReorderPoint { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.ReorderPoint).InclusiveBetween(0, IdRules.MaxOnHand);
    }
}
