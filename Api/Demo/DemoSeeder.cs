using Microsoft.Extensions.Options;
using MultiStore.Api.Hosting;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Demo;

/// <summary>
/// Seeds <see cref="DemoStores"/> after the silo has started, through the same grains and doors the endpoints use
/// (the directory as platform, stock through <see cref="TenantGrains"/>). Idempotent: an existing store is not
/// recreated and stock that is already stocked is not reset.
/// </summary>
public sealed partial class DemoSeeder(
    IServiceScopeFactory scopes,
    IOptions<DemoOptions> options,
    IOptions<OrleansHostingOptions> orleans,
    ILogger<DemoSeeder> logger) : IHostedService
{
    private const string Actor = "system:demo-seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedsIn(orleans.Value.Mode))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var platform = scope.ServiceProvider.GetRequiredService<PlatformGrains>();
        var existing = (await platform.ListAsync(Actor)).Select(profile => profile.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var store in DemoStores.All)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!existing.Contains(store.Spec.Id))
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
            foreach (var item in store.Stock)
            {
                var stock = grains.Stock(item.Sku, item.Zone);
                if (!(await stock.GetAsync()).IsStocked)
                {
                    await stock.AdjustAsync(new StockAdjustment(null, item.OnHand, item.SafetyStock, "demo seed"));
                }

                await grains.Sku(item.Sku).AddZoneAsync(item.Zone);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo store {TenantId} ready at {Domains}")]
    private static partial void LogSeeded(ILogger logger, string tenantId, string domains);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo store {TenantId} not seeded: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string tenantId, string reason);
}
