using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Stock;

namespace MultiStore.Api.Features.Stock.Ledger;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>Only lines older than this sequence (the previous page's <c>nextBefore</c>); the newest when absent.</summary>
    [QueryParam]
    public long? Before { get; set; }

    /// <summary>Lines per page, 1-500 (default 50).</summary>
    [QueryParam]
    public int? Take { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.Before).GreaterThanOrEqualTo(1);
        RuleFor(request => request.Take).InclusiveBetween(1, StockGrain.MaxLedgerPage);
    }
}
