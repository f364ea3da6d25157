using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Audit.PlatformTrail;

public sealed class Request
{
    /// <summary>The store whose trail to read; the platform's own trail when absent.</summary>
    [QueryParam]
    public string? Tenant { get; set; }

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
        RuleFor(request => request.Tenant).Must(tenant => tenant is null || TenantId.TryParse(tenant, out _))
            .WithMessage("Use a store id: 2-40 characters of a-z, 0-9 and '-'.");
        RuleFor(request => request.Before).GreaterThanOrEqualTo(1);
        RuleFor(request => request.Take).InclusiveBetween(1, IAuditPageGrain.Capacity);
    }
}
