using FastEndpoints;

namespace MultiStore.Api.Features.Carts.AdminGet;

public sealed class Request
{
    [RouteParam]
    public string CartId { get; set; } = string.Empty;
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.CartId).IsUuid();
    }
}
