using FastEndpoints;

namespace MultiStore.Api.Features.Stores.StockLevels;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
    }
}
