using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Features.Analytics.Get;

public sealed class Request : AnalyticsRangeRequest
{
    /// <summary>How many SKUs to rank by units sold, 0-100 (default 10).</summary>
    [QueryParam]
    public int? Top { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        this.ValidateRange(TimeProvider.System);
        RuleFor(request => request.Top).InclusiveBetween(0, IStoreAnalyticsGrain.MaxTopSkus);
    }
}
