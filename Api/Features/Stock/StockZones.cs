using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stock;

/// <summary>
/// The zones an admin may stock a SKU in, one rule for <c>PUT /admin/stock/{sku}/{zone}</c> and the catalog import: a zone
/// the warehouse lists (<c>PUT /admin/zones/{zone}</c>), or one the SKU is already stocked in. A mistyped zone would
/// otherwise hold stock that no zone of the store shows; stock set in an unlisted zone before this rule (an earlier
/// release took any zone) stays countable, and an export of it imports again.
/// </summary>
public static class StockZones
{
    /// <summary>The problem code of a zone refused by this rule.</summary>
    public const string UnknownZone = "unknown-zone";

    /// <summary>What the admin is told about a zone refused by this rule.</summary>
    public static string Unknown(string zone) => $"The store has no zone '{zone}'; add it first (PUT /admin/zones/{zone}).";

    /// <summary>
    /// Whether <paramref name="sku"/> may be stocked in <paramref name="zone"/>. Zones are never taken off a warehouse and
    /// an entry once stocked stays stocked, so the answer still holds when the stock is set after it.
    /// </summary>
    public static async Task<bool> AcceptsAsync(TenantGrains grains, string sku, string zone)
    {
        if ((await grains.Warehouse().GetAsync()).Has(zone))
        {
            return true;
        }

        return (await StockedZonesAsync(grains, sku)).Contains(zone);
    }

    /// <summary>The zones <paramref name="sku"/> is stocked in, whether or not the warehouse lists them.</summary>
    public static async Task<IReadOnlyList<string>> StockedZonesAsync(TenantGrains grains, string sku)
    {
        // Levels, not the SKU's zone list: a zone whose first stocking failed is listed but was never stocked.
        var levels = await grains.Sku(sku).GetLevelsAsync();
        return [.. levels.Where(level => level.IsStocked).Select(level => level.Zone)];
    }
}
