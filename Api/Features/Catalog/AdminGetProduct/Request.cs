using FastEndpoints;

namespace MultiStore.Api.Features.Catalog.AdminGetProduct;

public sealed class Request
{
    [RouteParam]
    public string Handle { get; set; } = string.Empty;
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Handle).IsHandle();
    }
}
