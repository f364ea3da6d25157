using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.ListTenants;

public sealed class Request
{
    /// <summary>Stores per page, 1-500 (default 100 when only <see cref="After"/> is given; neither: every store).</summary>
    [QueryParam]
    public int? Limit { get; set; }

    /// <summary>The last store id of the previous page (the <c>Link: rel="next"</c> of its answer names it); none for the first page.</summary>
    [QueryParam]
    public string? After { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Limit).InclusiveBetween(1, ITenantDirectoryGrain.MaxPageSize);
        RuleFor(request => request.After)
            .Must(after => after is null || TenantId.TryParse(after, out _))
            .WithMessage("'after' is the id of a store: 2-40 characters of a-z, 0-9 and '-'.");
    }
}
