using System.Buffers;
using System.Net;
using MultiStore.Bench.Http;
using MultiStore.Bench.Measurement;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Bench.Targets;

/// <summary>
/// The storefront path a shopper takes, over loopback HTTP to the Api in cluster mode: each reservation is a fresh
/// cart whose first line is set to one unit (<c>PUT /api/carts/{cartId}/items/{sku}</c>, Host = the store's
/// domain). The stores are onboarded and stocked through the cluster first; the reservations land in the same
/// stock grains and journal as the grain target, so the journal is read back the same way. Requests go over
/// <see cref="KeepAliveClient"/>: a connection per concurrent shopper, kept open.
/// </summary>
internal sealed class HttpTarget : IStockTarget
{
    private const string OneUnit = $$"""{"quantity":1,"zone":"{{GrainTarget.Zone}}"}""";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly KeepAliveClient _http;
    private readonly IClusterClient _client;
    private readonly JournalTally _journal;
    private readonly string _pathBase;

    public HttpTarget(string baseUrl, IClusterClient client, JournalTally journal)
    {
        var api = new Uri(baseUrl);
        if (api.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"The http target speaks plain HTTP/1.1 to the Api; {baseUrl} is not an http:// address.", nameof(baseUrl));
        }

        EndPoint server = IPAddress.TryParse(api.Host, out var address) ? new IPEndPoint(address, api.Port) : new DnsEndPoint(api.DnsSafeHost, api.Port);
        _http = new KeepAliveClient(server, RequestTimeout);
        _pathBase = api.AbsolutePath;
        _client = client;
        _journal = journal;
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
        var requests = Enumerable.Range(0, grains.Entries)
            .Select(entry => new CartLineRequest(_pathBase, Domain(grains.TenantOf(entry)), grains.SkuOf(entry), OneUnit))
            .ToArray();
        return new HttpSale(_http, requests, grains);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class HttpSale(KeepAliveClient http, CartLineRequest[] requests, GrainSale grains) : ISale
    {
        public int Entries => grains.Entries;

        public async ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper)
        {
            var cartId = Guid.NewGuid();
            var request = requests[entry];
            var buffer = ArrayPool<byte>.Shared.Rent(request.Length);
            int statusCode;
            try
            {
                statusCode = await http.SendAsync(buffer.AsMemory(0, request.Write(cartId, buffer)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // A fresh cart's first line always owns reservation number 1 (CartGrain.NextReservationId).
            return statusCode switch
            {
                (int)HttpStatusCode.OK => new CallResult(Outcome.Reserved, entry, $"cart:{cartId:D}:{grains.SkuOf(entry)}:1"),
                (int)HttpStatusCode.Conflict => new CallResult(Outcome.SoldOut, entry),
                _ => new CallResult(Outcome.Error, entry, Error: $"HTTP {statusCode}"),
            };
        }

        // A shopper's confirmation is a checkout and a payment (orders): the bench settles at the stock entry instead.
        public ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm) => grains.SettleAsync(entry, reservationId, confirm);

        public Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken) => grains.ReadDurableAsync(cancellationToken);
    }
}
