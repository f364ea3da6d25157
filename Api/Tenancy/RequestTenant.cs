using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// The store the current request acts for (scoped per request). Set once by <see cref="TenantResolutionMiddleware"/>
/// from the Host header; nothing else (route, body, token) can set or change it.
/// </summary>
public sealed class RequestTenant
{
    private TenantId? _id;

    public bool IsResolved => _id is not null;

    /// <summary>The resolved store; throws when the request was not resolved to one (fail closed).</summary>
    public TenantId Id => _id ?? throw new InvalidOperationException("This request has no resolved store.");

    internal void Set(TenantId id)
    {
        if (_id is not null)
        {
            throw new InvalidOperationException("The request's store is resolved once and cannot change.");
        }

        _id = id;
    }
}
