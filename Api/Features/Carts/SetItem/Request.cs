using System.ComponentModel.DataAnnotations;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Carts.SetItem;

public sealed class Request
{
    [RouteParam]
    public string CartId { get; set; } = string.Empty;

    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    /// <summary>The line's new quantity (required), at most <c>CartLimits:MaxQuantityPerLine</c>; 0 removes the line.</summary>
    [Required]
    public int? Quantity { get; set; }

    /// <summary>The zone to reserve from; the store's default zone when absent.</summary>
    public string? Zone { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.CartId).IsUuid();
        RuleFor(request => request.Sku).IsSku();
        // The storefront's own, lower cap (CartLimits:MaxQuantityPerLine) is checked by the endpoint, per request.
        RuleFor(request => request.Quantity).NotNull().InclusiveBetween(0, IdRules.MaxQuantity);
        RuleFor(request => request.Zone).IsOptionalZone();
    }
}
