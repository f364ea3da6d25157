using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Storefront;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// A store's status, default zone and theme as they are now, for every answer built from its <see cref="TenantProfile"/>.
/// The status is the store's own record's (<see cref="ITenantGrain"/>), which its hosts obey: the directory keeps a
/// copy, written after the record, that a failed write leaves stale. The profile keeps zone and theme as they were at
/// onboarding; the warehouse owns the default zone (<c>PUT /admin/zones</c>)
/// and the storefront the theme (<c>PUT /admin/storefront/theme</c>), and carts and the storefront use theirs.
/// <para>
/// Why read them rather than copy each change into the profile: a copy is a second write in another grain, and after a
/// failure between the two the profile would show a value the store does not use, with nothing to repair it. Read
/// here, each value has one owner and an answer can never disagree with what shoppers get.
/// </para>
/// The reads run in the caller's scope: a store's own (the owner's view) or the platform's, which the two getters
/// admit through their <see cref="PlatformAccessAttribute"/> door.
/// </summary>
public static class LiveStoreSettings
{
    /// <summary>At most this many stores are read at the same time for a list (the platform analytics' bound).</summary>
    public const int MaxConcurrentReads = 64;

    /// <summary>
    /// The theme a store is drawn with: the one its storefront holds, or, until an admin or onboarding set one there,
    /// the one given at onboarding (an empty object when none was).
    /// </summary>
    public static string Theme(TenantProfile profile, string? storefrontTheme) =>
        storefrontTheme ?? (string.IsNullOrWhiteSpace(profile.ThemeJson) ? "{}" : profile.ThemeJson);

    /// <summary><paramref name="profile"/> with its live status, default zone and theme (three reads, in parallel).</summary>
    public static async Task<TenantProfile> ApplyAsync(IGrainFactory grains, TenantProfile profile)
    {
        var tenant = TenantId.Parse(profile.Id);
        var recordRead = grains.GetGrainByKey<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId)).GetAsync();
        var zoneRead = grains.GetGrainByKey<IWarehouseGrain>(TenantKey.For(tenant, IWarehouseGrain.EntityId)).GetDefaultZoneAsync();
        var themeRead = grains.GetGrainByKey<IStorefrontGrain>(TenantKey.For(tenant, IStorefrontGrain.EntityId)).GetThemeAsync();
        await Task.WhenAll(recordRead, zoneRead, themeRead);
        return profile with
        {
            Status = (await recordRead)?.Status ?? profile.Status,
            DefaultZone = await zoneRead,
            ThemeJson = Theme(profile, await themeRead),
        };
    }

    /// <summary>
    /// Every profile of <paramref name="profiles"/> with its live settings, in the same order, read
    /// <see cref="MaxConcurrentReads"/> stores at a time. A store that cannot be read fails the whole list (a 503 when
    /// the cluster is briefly unavailable): showing its onboarding values as current is the error this avoids.
    /// </summary>
    public static async Task<IReadOnlyList<TenantProfile>> ApplyAsync(IGrainFactory grains, IReadOnlyList<TenantProfile> profiles) =>
        await profiles.ReadEachAsync(MaxConcurrentReads, profile => ApplyAsync(grains, profile));
}
