using FastEndpoints;

namespace MultiStore.Api.Features.Catalog.GetProduct;

public sealed class Request
{
    [RouteParam]
    public string Handle { get; set; } = string.Empty;

    /// <summary>The zone whose availability the page shows; the store's default zone when absent.</summary>
    [QueryParam]
    public string? Zone { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Handle).IsHandle();
        RuleFor(request => request.Zone).IsOptionalZone();
    }
}
