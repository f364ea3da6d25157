using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Stores.List;

/// <summary>The owned stores, ordered by id.</summary>
public sealed record Response(IReadOnlyList<OwnedStore> Stores);

/// <param name="Status"><c>active</c> or <c>suspended</c>.</param>
/// <param name="DefaultZone">The store's default zone now (its warehouse's), as carts use it.</param>
public sealed record OwnedStore(string Id, string Name, IReadOnlyList<string> Domains, string Status, string DefaultZone)
{
    public static OwnedStore From(TenantProfile profile) => new(
        profile.Id,
        profile.Name,
        profile.Domains,
        profile.Status == TenantStatus.Active ? "active" : "suspended",
        profile.DefaultZone);
}
