using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Silo.Hosting;
using Npgsql;

namespace MultiStore.Deployment.Tests.Health;

public sealed class SiloHttpEndpointTests(EmbeddedSiloFixture silo) : IClassFixture<EmbeddedSiloFixture>
{
    [Fact]
    public async Task Live_WhenSiloRuns_Answers200()
    {
        using var response = await silo.Http.GetAsync(SiloHttpEndpoint.LivePath.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenSiloIsActive_Answers200()
    {
        using var response = await silo.Http.GetAsync(SiloHttpEndpoint.ReadyPath.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterReservationsAndASoldOutAnswer_ExportsStockAndOrleansInstruments()
    {
        var tenant = TenantId.Parse("metrics-store");
        var stock = silo.Host.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format("MTR-1", "main")));
        using (TenantContext.ForTenant(tenant, "test"))
        {
            await stock.AdjustAsync(new StockAdjustment(Delta: null, SetOnHand: 2, SafetyStock: 0, Reason: "metrics test"));
            Assert.Equal(ReservationStatus.Reserved, (await stock.ReserveAsync("r-1", 2, TimeSpan.FromMinutes(5))).Status);
            Assert.Equal(ReservationStatus.InsufficientStock, (await stock.ReserveAsync("r-2", 1, TimeSpan.FromMinutes(5))).Status);
        }

        var metrics = await silo.Http.GetStringAsync(SiloHttpEndpoint.MetricsPath.TrimStart('/'));

        Assert.Matches(@"(?m)^multistore_stock_reservations_total(\{[^}]*\})? [1-9]", metrics);
        Assert.Matches(@"(?m)^multistore_stock_sold_out_total(\{[^}]*\})? [1-9]", metrics);
        Assert.Matches(@"(?m)^orleans_catalog_activations(\{[^}]*\})? [1-9]", metrics);
    }

    [Fact]
    public async Task ReadinessCheck_WhenPostgresDoesNotAnswer_IsUnhealthy()
    {
        var status = silo.Host.Services.GetRequiredService<ISiloStatusOracle>();
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2");
        var check = new SiloReadinessCheck(status, unreachable);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(SiloStatus.Active, status.CurrentStatus);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task ReadinessCheck_WhenSiloHasNotJoined_IsUnhealthy()
    {
        var ports = Infrastructure.FreePorts.Take(2);
        using var notStarted = EmbeddedSiloFixture.Build(new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "Embedded",
            ["Orleans:SiloPort"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var check = new SiloReadinessCheck(notStarted.Services.GetRequiredService<ISiloStatusOracle>(), storage: null);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not Active", result.Description, StringComparison.Ordinal);
    }
}
