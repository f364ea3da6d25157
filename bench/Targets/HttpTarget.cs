using System.Net;
using System.Text;
using MultiStore.Bench.Measurement;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Bench.Targets;

/// <summary>
/// The storefront path a shopper takes, over loopback HTTP to the Api in cluster mode: each reservation is a fresh
/// cart whose first line is set to one unit (<c>PUT /api/carts/{cartId}/items/{sku}</c>, Host = the store's
/// domain). The stores are onboarded and stocked through the cluster first; the reservations land in the same
/// stock grains and journal as the grain target, so the journal is read back the same way.
/// </summary>
internal sealed class HttpTarget : IStockTarget
{
    private readonly HttpClient _http;
    private readonly IClusterClient _client;
    private readonly JournalTally _journal;
    private readonly string _baseUrl;

    public HttpTarget(string baseUrl, IClusterClient client, JournalTally journal)
    {
        _baseUrl = baseUrl.TrimEnd('/');
        _client = client;
        _journal = journal;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string Name => Target.Http;

    public static string Domain(TenantId tenant) => $"{tenant.Value}.bench.localhost";

    public async Task<ISale> CreateSaleAsync(string tag, int stores, int skusPerStore, int units, CancellationToken cancellationToken)
    {
        var grains = new GrainSale(_client, _journal, tag, stores, skusPerStore);
        using (TenantContext.ForPlatform(GrainTarget.Actor))
        {
            var directory = _client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);
            foreach (var tenant in grains.Tenants)
            {
                await directory.CreateAsync(new TenantSpec(tenant.Value, $"Bench {tenant.Value}", [Domain(tenant)], "{}"));
            }
        }

        await grains.StockAsync(units, cancellationToken);
        return new HttpSale(_http, _baseUrl, grains);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class HttpSale(HttpClient http, string baseUrl, GrainSale grains) : ISale
    {
        private static readonly byte[] OneUnit = Encoding.UTF8.GetBytes($$"""{"quantity":1,"zone":"{{GrainTarget.Zone}}"}""");

        public int Entries => grains.Entries;

        public async ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper)
        {
            var cartId = Guid.NewGuid().ToString("D");
            var sku = grains.SkuOf(entry);
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{baseUrl}/api/carts/{cartId}/items/{sku}")
            {
                Content = new ByteArrayContent(OneUnit) { Headers = { { "Content-Type", "application/json" } } },
            };
            request.Headers.Host = Domain(grains.TenantOf(entry));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            // A fresh cart's first line always owns reservation number 1 (CartGrain.NextReservationId).
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new CallResult(Outcome.Reserved, entry, $"cart:{cartId}:{sku}:1"),
                HttpStatusCode.Conflict => new CallResult(Outcome.SoldOut, entry),
                var status => new CallResult(Outcome.Error, entry, Error: $"HTTP {(int)status}"),
            };
        }

        // A shopper's confirmation is a checkout and a payment (orders): the bench settles at the stock entry instead.
        public ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm) => grains.SettleAsync(entry, reservationId, confirm);

        public Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken) => grains.ReadDurableAsync(cancellationToken);
    }
}
