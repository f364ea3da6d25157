using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Alerts.List;

public sealed class Request
{
    /// <summary>Only alerts older than this id (the previous page's <c>nextBefore</c>); the newest when absent.</summary>
    [QueryParam]
    public long? Before { get; set; }

    /// <summary>Alerts per page, 1-500 (default 50).</summary>
    [QueryParam]
    public int? Take { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Before).GreaterThanOrEqualTo(1);
        RuleFor(request => request.Take).InclusiveBetween(1, IStockAlertsGrain.MaxPage);
    }
}
