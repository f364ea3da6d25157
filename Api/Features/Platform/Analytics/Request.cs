using FastEndpoints;
using FluentValidation;
using MultiStore.Api.Features.Analytics;

namespace MultiStore.Api.Features.Platform.Analytics;

public sealed class Request : AnalyticsRangeRequest
{
    /// <summary>How many stores to list, most paid orders first, 0-1000 (default 20).</summary>
    [QueryParam]
    public int? Top { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public const int MaxTop = 1_000;

    public RequestValidator()
    {
        this.ValidateRange(TimeProvider.System);
        RuleFor(request => request.Top).InclusiveBetween(0, MaxTop);
    }
}
