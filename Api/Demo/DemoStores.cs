using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Demo;

/// <summary>One demo SKU's starting stock in one zone.</summary>
public sealed record DemoStock(string Sku, string Zone, int OnHand, int SafetyStock = 0);

/// <summary>A demo store: its onboarding spec and starting stock.</summary>
public sealed record DemoStore(TenantSpec Spec, IReadOnlyList<DemoStock> Stock);

/// <summary>
/// Three stores that answer on <c>*.localhost</c> (which resolves to 127.0.0.1 without any hosts-file change).
/// Every store has its own SKU prefix, so using one store's ids on another store's host is a meaningful test.
/// </summary>
public static class DemoStores
{
    public static IReadOnlyList<DemoStore> All { get; } =
    [
        new(
            new TenantSpec("fiber-x", "Fiber X", ["fiber-x.localhost"],
                """{"primaryColor":"#111827","accentColor":"#22d3ee","font":"Inter","logoText":"FIBER/X"}"""),
            [
                new("FBX-TEE-BLK-M", "main", 25),
                new("FBX-TEE-BLK-M", "east", 8),
                new("FBX-HOODIE-GRY-L", "main", 10, SafetyStock: 2),
                new("FBX-CAP-RED", "main", 40),
            ]),
        new(
            new TenantSpec("suzume", "Suzume Ceramics", ["suzume.localhost"],
                """{"primaryColor":"#fdf2f8","accentColor":"#be185d","font":"Noto Serif JP","logoText":"suzume"}"""),
            [
                new("SZM-MUG-ROSE", "main", 30),
                new("SZM-BOWL-INDIGO", "main", 12),
                new("SZM-TEAPOT-SAGE", "main", 5),
            ]),
        new(
            new TenantSpec("showstopper", "Showstopper Lighting", ["showstopper.localhost"],
                """{"primaryColor":"#0b0b0b","accentColor":"#facc15","font":"Playfair Display","logoText":"SHOWSTOPPER"}"""),
            [
                new("SHS-LAMP-GLD", "main", 6),
                new("SHS-BULB-WARM", "main", 100, SafetyStock: 10),
            ]),
    ];
}
