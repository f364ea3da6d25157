using FastEndpoints;
using MultiStore.Api.Features.Analytics;

namespace MultiStore.Api.Features.Stores.Analytics;

public sealed class Request : AnalyticsRangeRequest;

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        this.ValidateRange(TimeProvider.System);
    }
}
