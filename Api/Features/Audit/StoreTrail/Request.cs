using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Api.Features.Audit.StoreTrail;

public sealed class Request
{
    /// <summary>Only entries older than this sequence (the previous page's <c>nextBefore</c>); the newest when absent.</summary>
    [QueryParam]
    public long? Before { get; set; }

    /// <summary>Entries per page, 1-100 (default 50).</summary>
    [QueryParam]
    public int? Take { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Before).GreaterThanOrEqualTo(1);
        RuleFor(request => request.Take).InclusiveBetween(1, IAuditPageGrain.Capacity);
    }
}
