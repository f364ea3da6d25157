using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Storefront;

/// <summary>
/// One store's storefront settings (key <c>tenantId/storefront</c>): the theme JSON its storefront is drawn with
/// (colours, fonts, section layout). Until an admin or the onboarding sets one, the theme given at onboarding in the
/// store's profile applies.
/// </summary>
[Alias("multistore.IStorefrontGrain")]
public interface IStorefrontGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the storefront's key.</summary>
    const string EntityId = "storefront";

    /// <summary>
    /// The theme as a JSON object, or null when none was set here. The platform reads it for its list of stores:
    /// this grain, not the store's profile, holds the live theme.
    /// </summary>
    [RetrySafe]
    [PlatformAccess, AnyStoreCaller, ReadOnly, Alias("GetTheme")]
    Task<string?> GetThemeAsync();

    /// <summary>Replaces the theme; refused with <c>invalid-theme</c> unless it is a JSON object of at most 16 KiB.</summary>
    [RequiresPermission(StorePermission.StorefrontWrite), Alias("SetTheme")]
    Task<string> SetThemeAsync(string themeJson);
}
