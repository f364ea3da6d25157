using System.ComponentModel.DataAnnotations;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.SetLevel;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>The new on-hand count (required).</summary>
    [Required]
    public int? OnHand { get; set; }

    /// <summary>Units never offered to shoppers; unchanged when absent.</summary>
    public int? SafetyStock { get; set; }

    /// <summary>
    /// The on-hand the count was made against, as <c>GET /admin/stock/{sku}</c> showed it. Optional: with it, the count is
    /// held to the entry's on-hand as the import's <c>on_hand_basis</c> is (see <see cref="StockAdjustment.OnHandBasis"/>),
    /// so a sale or another admin's count made since is never written over (409 <c>stock-changed</c>); without it, the
    /// count is absolute, as before.
    /// </summary>
    public int? OnHandBasis { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.OnHand).NotNull().InclusiveBetween(0, IdRules.MaxOnHand);
        RuleFor(request => request.SafetyStock).InclusiveBetween(0, IdRules.MaxOnHand);
        RuleFor(request => request.OnHandBasis).InclusiveBetween(0, IdRules.MaxOnHand);
    }
}
