using FastEndpoints;

namespace MultiStore.Api.Features.Orders.Get;

public sealed class Request
{
    [RouteParam]
    public string OrderId { get; set; } = string.Empty;
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.OrderId).IsUuid();
    }
}
