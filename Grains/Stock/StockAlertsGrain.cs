using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock.Webhooks;

namespace MultiStore.Grains.Stock;

/// <summary>Persisted alerts and webhook of one store.</summary>
[GenerateSerializer, Alias("multistore.StockAlertsState")]
public sealed class StockAlertsState
{
    // Id 0 held the first version's alerts (without delivery); it is never reused.

    /// <summary>The most recent alerts, oldest first.</summary>
    [Id(1)] public List<AlertEntry> Entries { get; set; } = [];

    /// <summary>The id of the last alert raised (ids are 1, 2, …, never reused).</summary>
    [Id(2)] public long LastId { get; set; }

    [Id(3)] public StoreWebhook? Webhook { get; set; }
}

/// <summary>A store's webhook and the secret its deliveries are signed with.</summary>
[GenerateSerializer, Immutable, Alias("multistore.StoreWebhook")]
public sealed record StoreWebhook(
    [property: Id(0)] string Url,
    [property: Id(1)] string Secret,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>
/// A store's low-stock alerts: the most recent <see cref="Kept"/>, oldest dropped first, and their webhook
/// deliveries. An alert raised while a webhook is set is pending until an attempt is answered 2xx; a failed attempt
/// is tried again after <see cref="WebhookOptions.BackoffAfter"/> (1 s, 2 s, 4 s … capped), and after
/// <see cref="WebhookOptions.MaxAttempts"/> it is marked failed. Pending deliveries are stored with the alerts and
/// driven by a grain timer while the grain is active and by a durable reminder otherwise, so a restart loses none.
/// <para>
/// A tick sends its deliveries at once and lets the grain's calls run while it waits for the receiver: a receiver
/// that answers slowly, or not at all, must not hold up the stock entries raising alerts (whose calls would time
/// out, and the alerts be lost) or an admin removing that very webhook.
/// </para>
/// </summary>
public sealed class StockAlertsGrain(
    [PersistentState("alerts", StorageNames.Store)] IPersistentState<StockAlertsState> alerts,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<WebhookOptions> webhookOptions,
    IOptions<ReservationOptions> reservationOptions,
    ILogger<StockAlertsGrain> logger) : Grain, IStockAlertsGrain, IRemindable
{
    /// <summary>How many alerts a store keeps.</summary>
    public const int Kept = 500;

    /// <summary>The event name of a low-stock delivery (<see cref="WebhookSignature.EventHeader"/>).</summary>
    public const string LowStockEvent = "low-stock";

    /// <summary>At most this many deliveries are attempted per tick, so one tick never holds the grain for long.</summary>
    private const int DeliveriesPerTick = 20;

    private const int MaxErrorLength = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ExpiryWatch _deliveryWatch = new("webhook-delivery", interleave: true);

    /// <summary>The alerts whose delivery is on its way: a tick that overlaps another (timer and reminder) leaves them alone.</summary>
    private readonly HashSet<long> _sending = [];

    private TenantId _tenant;

    private StockAlertsState State => alerts.State;

    private WebhookOptions Options => webhookOptions.Value;

    private bool HasPending => State.Entries.Exists(entry => entry.Delivery == AlertDelivery.Pending);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        await WatchAsync();
    }

    /// <inheritdoc />
    public async Task RaiseAsync(LowStockAlert alert)
    {
        if (State.Entries.Any(entry => entry.Alert == alert))
        {
            // A retry of a raise that was stored (its answer was lost), or an entry raising again an alert whose
            // acknowledgement it never journaled (its silo died first): the alert is there once, delivered once.
            return;
        }

        var delivers = State.Webhook is not null;
        State.Entries.Add(new AlertEntry(++State.LastId, alert, delivers ? AlertDelivery.Pending : AlertDelivery.None, 0, delivers ? Now : null, null, null));
        Trim();

        // Should this write fail, the activation ends (DeactivateOnFailureCallFilter): a retry must not find the alert
        // here, ahead of storage, and stop.
        await alerts.WriteStateAsync();

        logger.LogInformation(
            "Low stock in {Tenant}: {Sku}@{Zone} available {Available} at or below {ReorderPoint} (alert {Id})",
            _tenant, alert.Sku, alert.Zone, alert.Available, alert.ReorderPoint, State.LastId);
        await WatchAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LowStockAlert>> ListAsync(int take)
    {
        EnsureTake(take);
        return Task.FromResult<IReadOnlyList<LowStockAlert>>([.. Enumerable.Reverse(State.Entries).Take(take).Select(entry => entry.Alert)]);
    }

    /// <inheritdoc />
    public Task<AlertPage> PageAsync(long? before, int take)
    {
        EnsureTake(take);
        var older = Enumerable.Reverse(State.Entries).Where(entry => before is null || entry.Id < before).ToList();
        var page = older.Take(take).ToList();
        return Task.FromResult(new AlertPage(page, older.Count > page.Count ? page[^1].Id : null));
    }

    /// <inheritdoc />
    public async Task<WebhookSecret> SetWebhookAsync(string url)
    {
        var uri = WebhookRules.Url(url, Options.AllowPrivateNetworks);
        // 256 random bits from the OS generator, as hex: the store's signing key.
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var webhook = new StoreWebhook(uri.AbsoluteUri, secret, Now);
        State.Webhook = webhook;
        await alerts.WriteStateAsync();
        logger.LogInformation("Webhook of {Tenant} set to {Url} by {Actor}; a new secret was issued", _tenant, webhook.Url, TenantContext.Actor);
        return new WebhookSecret(webhook.Url, webhook.Secret, webhook.CreatedAt);
    }

    /// <inheritdoc />
    public Task<WebhookView?> GetWebhookAsync() =>
        Task.FromResult(State.Webhook is { } webhook ? new WebhookView(webhook.Url, webhook.CreatedAt) : null);

    /// <inheritdoc />
    public async Task RemoveWebhookAsync()
    {
        if (State.Webhook is null)
        {
            return;
        }

        State.Webhook = null;
        for (var index = 0; index < State.Entries.Count; index++)
        {
            if (State.Entries[index].Delivery == AlertDelivery.Pending)
            {
                State.Entries[index] = State.Entries[index] with { Delivery = AlertDelivery.Failed, NextAttemptAt = null, LastError = "webhook removed" };
            }
        }

        await alerts.WriteStateAsync();
        logger.LogInformation("Webhook of {Tenant} removed by {Actor}", _tenant, TenantContext.Actor);
        await WatchAsync();
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        using var scope = TenantContext.ForTenant(_tenant, "system:webhooks");
        await DeliverDueAsync();
        await _deliveryWatch.OnReminderAsync(this, HasPending);
    }

    /// <summary>
    /// Attempts the deliveries that are due, all at once, then records each outcome and stores them together. Calls
    /// may have run meanwhile: an alert may have been dropped, and removing the webhook has failed what was pending.
    /// </summary>
    private async Task DeliverDueAsync()
    {
        var webhook = State.Webhook;
        var due = State.Entries
            .Where(entry => entry.Delivery == AlertDelivery.Pending && entry.NextAttemptAt <= Now && !_sending.Contains(entry.Id))
            .Take(DeliveriesPerTick)
            .ToList();
        if (webhook is null || due.Count == 0)
        {
            return;
        }

        _sending.UnionWith(due.Select(entry => entry.Id));
        string?[] errors;
        try
        {
            errors = await Task.WhenAll(due.Select(entry => SendAsync(webhook, entry)));
        }
        finally
        {
            _sending.ExceptWith(due.Select(entry => entry.Id));
        }

        for (var index = 0; index < due.Count; index++)
        {
            var at = State.Entries.FindIndex(candidate => candidate.Id == due[index].Id);
            // A delivery that got through is recorded whatever happened meanwhile; a failed attempt only if the alert
            // is still waiting for one.
            if (at >= 0 && (errors[index] is null || State.Entries[at].Delivery == AlertDelivery.Pending))
            {
                State.Entries[at] = Outcome(State.Entries[at], errors[index]);
                Log(State.Entries[at]);
            }
        }

        await alerts.WriteStateAsync();
        await WatchAsync();
    }

    private AlertEntry Outcome(AlertEntry entry, string? error)
    {
        var attempts = entry.Attempts + 1;
        return error is null
            ? entry with { Delivery = AlertDelivery.Delivered, Attempts = attempts, NextAttemptAt = null, LastError = null, DeliveredAt = Now }
            : attempts >= Options.MaxAttempts
                ? entry with { Delivery = AlertDelivery.Failed, Attempts = attempts, NextAttemptAt = null, LastError = error }
                : entry with { Attempts = attempts, NextAttemptAt = Now + Options.BackoffAfter(attempts), LastError = error };
    }

    /// <summary>
    /// Keeps the most recent <see cref="Kept"/> alerts, dropping settled ones first: an alert still to be delivered
    /// goes only when every older alert kept is one too, and that is logged.
    /// </summary>
    private void Trim()
    {
        var excess = State.Entries.Count - Kept;
        if (excess <= 0)
        {
            return;
        }

        var settled = State.Entries.Where(entry => entry.Delivery != AlertDelivery.Pending).Take(excess).ToHashSet();
        State.Entries.RemoveAll(settled.Contains);
        excess -= settled.Count;
        if (excess > 0)
        {
            logger.LogWarning("Store {Tenant} dropped {Count} undelivered alerts: more than {Kept} are waiting for its webhook", _tenant, excess, Kept);
            State.Entries.RemoveRange(0, excess);
        }
    }

    /// <summary>One signed POST of <paramref name="entry"/>; null when the receiver answered 2xx, else why not.</summary>
    private async Task<string?> SendAsync(StoreWebhook webhook, AlertEntry entry)
    {
        var alert = entry.Alert;
        var body = JsonSerializer.Serialize(
            new LowStockDelivery(entry.Id, LowStockEvent, _tenant.Value, alert.Sku, alert.Zone, alert.Available, alert.ReorderPoint, alert.At),
            Json);
        var timestamp = Now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, entry.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.EventHeader, LowStockEvent);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MultiStore-Webhooks", "1"));
        try
        {
            using var response = await httpClients.CreateClient(WebhookOptions.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
        {
            var reason = failure is OperationCanceledException ? $"no answer within {Options.Timeout.TotalSeconds:0.#} s" : failure.Message;
            return reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason;
        }
    }

    private void Log(AlertEntry entry)
    {
        switch (entry.Delivery)
        {
            case AlertDelivery.Delivered:
                logger.LogInformation("Alert {Id} of {Tenant} delivered on attempt {Attempts}", entry.Id, _tenant, entry.Attempts);
                break;
            case AlertDelivery.Failed:
                logger.LogWarning("Alert {Id} of {Tenant} not delivered after {Attempts} attempts: {Error}", entry.Id, _tenant, entry.Attempts, entry.LastError);
                break;
            default:
                logger.LogInformation("Alert {Id} of {Tenant}: attempt {Attempts} failed ({Error}), next at {Next}", entry.Id, _tenant, entry.Attempts, entry.LastError, entry.NextAttemptAt);
                break;
        }
    }

    /// <summary>A timer every delivery tick while deliveries are pending, and a reminder for when the grain is not active.</summary>
    private Task WatchAsync() =>
        _deliveryWatch.UpdateAsync(
            this,
            HasPending,
            new ReservationOptions { ExpirySweepInterval = Options.DeliveryTick, ExpiryReminderPeriod = reservationOptions.Value.ExpiryReminderPeriod },
            DeliverDueAsync);

    private static void EnsureTake(int take)
    {
        if (take is < 1 or > IStockAlertsGrain.MaxPage)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Ask for 1 to {IStockAlertsGrain.MaxPage} alerts.");
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();
}

/// <summary>The JSON body of a low-stock webhook delivery.</summary>
/// <param name="Id">The alert's id in its store, the same on every attempt.</param>
public sealed record LowStockDelivery(long Id, string Event, string Store, string Sku, string Zone, int Available, int ReorderPoint, DateTimeOffset At);
