using Microsoft.Extensions.Options;
using MultiStore.Api.Features.Catalog;
using MultiStore.Api.Hosting;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Demo;

/// <summary>
/// Seeds <see cref="DemoStores"/> after the silo has started, through the same grains and doors the endpoints use
/// (the directory as platform, stock through <see cref="TenantGrains"/>). Idempotent: an existing store is not
/// recreated and stock that is already stocked is not reset. A store that holds a demo id under other domains is
/// somebody's own store (a cluster seeded on request): it is left alone. A seeded store is marked filled, as onboarding
/// marks the stores it fills.
/// </summary>
public sealed partial class DemoSeeder(
    IServiceScopeFactory scopes,
    IOptions<DemoOptions> options,
    IOptions<OrleansHostingOptions> orleans,
    ILogger<DemoSeeder> logger) : IHostedService
{
    private const string Actor = "system:demo-seed";

    /// <summary>The stores to seed; tests swap in their own.</summary>
    internal IReadOnlyList<DemoStore> Stores { get; set; } = DemoStores.All;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedsIn(orleans.Value.Mode))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var platform = scope.ServiceProvider.GetRequiredService<PlatformGrains>();
        foreach (var store in Stores)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await platform.ProfileAsync(TenantId.Parse(store.Spec.Id), Actor) is { } existing)
            {
                if (!existing.Domains.SequenceEqual(store.Spec.Domains, StringComparer.OrdinalIgnoreCase))
                {
                    LogSkipped(logger, store.Spec.Id, "a store with this id answers on other domains");
                    continue;
                }
            }
            else
            {
                try
                {
                    await platform.CreateAsync(store.Spec, Actor);
                }
                catch (StoreRuleException rule) when (rule.Code is RuleCodes.TenantExists or RuleCodes.DomainTaken)
                {
                    LogSkipped(logger, store.Spec.Id, rule.Message);
                    continue;
                }
            }

            // The seed is the store's filling: an onboarding sent later with the same body must not fill it again
            // (a template's currency or zones over the demo's).
            await platform.MarkFilledAsync(TenantId.Parse(store.Spec.Id), Actor);
            await SeedStockAsync(store);
            LogSeeded(logger, store.Spec.Id, string.Join(", ", store.Spec.Domains));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedStockAsync(DemoStore store)
    {
        var tenant = TenantId.Parse(store.Spec.Id);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestTenant>().Set(tenant);
        var grains = scope.ServiceProvider.GetRequiredService<TenantGrains>();

        using (TenantContext.ForTenant(tenant, Actor))
        {
            // The warehouse lists every zone the demo stocks, as it must for an admin's count (PUT /admin/stock).
            var warehouse = await grains.Warehouse().GetAsync();
            foreach (var zone in store.Stock.Select(item => item.Zone).Distinct(StringComparer.Ordinal).Where(zone => !warehouse.Has(zone)))
            {
                await grains.Warehouse().PutZoneAsync(zone, char.ToUpperInvariant(zone[0]) + zone[1..], makeDefault: false);
            }

            // Only entries never stocked are set, decided in each entry: several API instances seeding at once, or a
            // restart after shoppers bought, never give back units sold in between.
            var counts = store.Stock.Select(item => new StockCount(item.Sku, item.Zone, item.OnHand, item.SafetyStock)).ToList();
            foreach (var failure in (await StockLevels.ApplyAsync(grains, counts, "demo seed", CancellationToken.None, onlyWhereNeverStocked: true)).RefusedOrThrow())
            {
                LogSkipped(logger, store.Spec.Id, $"{failure.Count.Sku} in {failure.Count.Zone}: {failure.Message}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo store {TenantId} ready at {Domains}")]
    private static partial void LogSeeded(ILogger logger, string tenantId, string domains);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo store {TenantId} not seeded: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string tenantId, string reason);
}
