using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Persistence;
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

    /// <summary>
    /// Per stock entry (<see cref="StockEntryId"/>) that dropped any: the most it reported dropping
    /// (<see cref="LowStockAlert.DroppedBefore"/>). Empty in state written before drops were counted.
    /// </summary>
    [Id(4)] public Dictionary<string, long> DroppedByEntry { get; set; } = [];

    /// <summary>Alerts dropped from <see cref="Entries"/> (past its newest 500) while still waiting for the webhook.</summary>
    [Id(5)] public long DroppedUndelivered { get; set; }

    /// <summary>A copy to hand to storage: the entries are immutable, so copying the collections is enough.</summary>
    public StockAlertsState Copy() => new()
    {
        Entries = [.. Entries],
        LastId = LastId,
        Webhook = Webhook,
        DroppedByEntry = new(DroppedByEntry, StringComparer.Ordinal),
        DroppedUndelivered = DroppedUndelivered,
    };
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
/// <para>
/// So a call can change the alerts while a tick's write is in flight, and the reverse. The PostgreSQL provider reads
/// the state off the grain's scheduler once its connection is open, so it must never be handed the live alerts: every
/// writer goes through one <see cref="StateGroupCommit"/>, whose writes hand storage a copy, one write in flight at a
/// time (the copy is untouched until it is done), and a change made meanwhile joins the next write.
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

    // What calls and ticks read and change. Storage is handed a copy per write, so a change made while a write is in
    // flight never reaches that write half-made, whenever the provider serializes.
    private StockAlertsState _view = new();

    private StateGroupCommit? _commit;

    // The newest alert id storage holds. A tick sends no alert newer than this: an alert whose write is still in flight
    // may never be stored (the write fails, the activation ends), and the next activation would then give its id to
    // another alert, which a receiver that drops repeated delivery ids would never see.
    private long _storedLastId;

    private WebhookOptions Options => webhookOptions.Value;

    private bool HasPending => _view.Entries.Exists(entry => entry.Delivery == AlertDelivery.Pending);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        _view = alerts.State.Copy();
        _storedLastId = _view.LastId;
        await WatchAsync();
    }

    /// <inheritdoc />
    public async Task RaiseAsync(LowStockAlert alert)
    {
        var droppedMore = NoteDropped(alert);
        if (_view.Entries.Any(entry => entry.Alert.IsSameAlert(alert)))
        {
            // A retry of a raise that was stored (its answer was lost), or an entry raising again an alert whose
            // acknowledgement it never journaled (its silo died first): the alert is there once, delivered once. It
            // is answered once storage has it, as the first raise would have been.
            await (droppedMore ? StoreAsync() : DurableAsync());
            return;
        }

        var delivers = _view.Webhook is not null;
        _view.Entries.Add(new AlertEntry(++_view.LastId, alert, delivers ? AlertDelivery.Pending : AlertDelivery.None, 0, delivers ? Now : null, null, null));
        Trim();

        // Should this write fail, the caller hears of it and the activation ends (DeactivateOnFailureCallFilter); a
        // retry that still finds the alert here is answered only once a later write has stored it.
        await StoreAsync();

        logger.LogInformation(
            "Low stock in {Tenant}: {Sku}@{Zone} available {Available} at or below {ReorderPoint} (alert {Id})",
            _tenant, alert.Sku, alert.Zone, alert.Available, alert.ReorderPoint, _view.LastId);
        await WatchAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LowStockAlert>> ListAsync(int take)
    {
        EnsureTake(take);
        return Task.FromResult<IReadOnlyList<LowStockAlert>>([.. Enumerable.Reverse(_view.Entries).Take(take).Select(entry => entry.Alert)]);
    }

    /// <inheritdoc />
    public Task<AlertPage> PageAsync(long? before, int take)
    {
        EnsureTake(take);
        var older = StoredNewestFirst().Where(entry => before is null || entry.Id < before).ToList();
        var page = older.Take(take).ToList();
        return Task.FromResult(new AlertPage(page, older.Count > page.Count ? page[^1].Id : null, _view.DroppedByEntry.Values.Sum(), _view.DroppedUndelivered));
    }

    /// <inheritdoc />
    public async Task<WebhookSecret> SetWebhookAsync(string url)
    {
        var uri = WebhookRules.Url(url, Options.AllowPrivateNetworks);
        // 256 random bits from the OS generator, as hex: the store's signing key.
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var webhook = new StoreWebhook(uri.AbsoluteUri, secret, Now);
        _view.Webhook = webhook;
        await StoreAsync();
        logger.LogInformation("Webhook of {Tenant} set to {Url} by {Actor}; a new secret was issued", _tenant, webhook.Url, TenantContext.Actor);
        return new WebhookSecret(webhook.Url, webhook.Secret, webhook.CreatedAt);
    }

    /// <inheritdoc />
    public Task<WebhookView?> GetWebhookAsync() =>
        Task.FromResult(_view.Webhook is { } webhook ? new WebhookView(webhook.Url, webhook.CreatedAt) : null);

    /// <inheritdoc />
    public async Task RemoveWebhookAsync()
    {
        if (_view.Webhook is null)
        {
            // Removed already, though perhaps not yet stored: answered once it is.
            await DurableAsync();
            return;
        }

        _view.Webhook = null;
        for (var index = 0; index < _view.Entries.Count; index++)
        {
            if (_view.Entries[index].Delivery == AlertDelivery.Pending)
            {
                _view.Entries[index] = _view.Entries[index] with { Delivery = AlertDelivery.Failed, NextAttemptAt = null, LastError = "webhook removed" };
            }
        }

        await StoreAsync();
        logger.LogInformation("Webhook of {Tenant} removed by {Actor}", _tenant, TenantContext.Actor);
        await WatchAsync();
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // A reminder tick is a turn of its own that no call interleaves with: its deliveries (up to the webhook's
        // timeout each) would hold up every raise behind them. So the tick only hands them to an interleaving sweep.
        _deliveryWatch.SweepNow(this, async () =>
        {
            using var scope = TenantContext.ForTenant(_tenant, "system:webhooks");
            await DeliverDueAsync();
        });
        await _deliveryWatch.OnReminderAsync(this, HasPending);
    }

    /// <summary>
    /// Attempts the deliveries that are due, all at once, then records each outcome and stores them together. Calls
    /// may have run meanwhile: an alert may have been dropped, and removing the webhook has failed what was pending.
    /// </summary>
    private async Task DeliverDueAsync()
    {
        var webhook = _view.Webhook;
        var due = _view.Entries
            .Where(entry => entry.Delivery == AlertDelivery.Pending && entry.NextAttemptAt <= Now && IsStored(entry) && !_sending.Contains(entry.Id))
            .Take(DeliveriesPerTick)
            .ToList();
        if (webhook is null || due.Count == 0 || await IsSuspendedAsync())
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
            var at = _view.Entries.FindIndex(candidate => candidate.Id == due[index].Id);
            // A delivery that got through is recorded whatever happened meanwhile; a failed attempt only if the alert
            // is still waiting for one.
            if (at >= 0 && (errors[index] is null || _view.Entries[at].Delivery == AlertDelivery.Pending))
            {
                _view.Entries[at] = Outcome(_view.Entries[at], errors[index]);
                Log(_view.Entries[at]);
            }
        }

        await StoreAsync();
        await WatchAsync();
    }

    /// <summary>
    /// Whether the platform has suspended the store: its deliveries then wait, unsent and not counted as attempts, and
    /// go on the first tick after it is resumed. Asked of the store's own record once per tick that has deliveries due
    /// (not per delivery): the record is where every part of the platform reads a store's status, so there is no copy
    /// here that a failed write could leave behind. A store without a record (one set up outside onboarding) sends.
    /// </summary>
    private async Task<bool> IsSuspendedAsync()
    {
        var record = await GrainFactory.GetGrainByKey<ITenantGrain>(TenantKey.For(_tenant, ITenantGrain.EntityId)).GetAsync();
        return record is { Status: TenantStatus.Suspended };
    }

    /// <summary>
    /// Records how many alerts the entry of <paramref name="alert"/> says it dropped, when that is more than it said
    /// before (a repeat of an older raise may carry less); true when the view changed.
    /// </summary>
    private bool NoteDropped(LowStockAlert alert)
    {
        var entry = StockEntryId.Format(alert.Sku, alert.Zone);
        if (alert.DroppedBefore <= _view.DroppedByEntry.GetValueOrDefault(entry))
        {
            return false;
        }

        logger.LogWarning(
            "Store {Tenant} lost low-stock alerts of {Sku}@{Zone}: its entry dropped {Dropped} unacknowledged in all",
            _tenant, alert.Sku, alert.Zone, alert.DroppedBefore);
        _view.DroppedByEntry[entry] = alert.DroppedBefore;
        return true;
    }

    /// <summary>Returns once storage holds the change just made to the view, and every change before it.</summary>
    private Task StoreAsync() => Commit.ChangedAsync();

    /// <summary>Returns once storage holds every change made to the view so far.</summary>
    private Task DurableAsync() => Commit.DurableAsync();

    private StateGroupCommit Commit => _commit ??= new StateGroupCommit(
        WriteViewAsync,
        failure => logger.LogDebug(failure, "A write of the alerts of {Tenant} failed; the next one carries its changes", _tenant));

    /// <summary>Hands storage a copy of the view: the provider may serialize it later, while calls change the view.</summary>
    private async Task WriteViewAsync()
    {
        var copy = _view.Copy();
        alerts.State = copy;
        await alerts.WriteStateAsync();
        _storedLastId = copy.LastId;
    }

    /// <summary>
    /// The alerts storage holds, newest first. Reads interleave with a raise whose write is in flight; should it fail,
    /// the next activation gives that alert's id to another one, so an admin who saw it would find the id naming
    /// another SKU.
    /// </summary>
    private IEnumerable<AlertEntry> StoredNewestFirst() => Enumerable.Reverse(_view.Entries).Where(IsStored);

    /// <summary>Whether storage holds <paramref name="entry"/>: only such an alert is listed or sent (see <see cref="_storedLastId"/>).</summary>
    private bool IsStored(AlertEntry entry) => entry.Id <= _storedLastId;

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
    /// goes only when every older alert kept is one too, and that is logged and counted.
    /// </summary>
    private void Trim()
    {
        var excess = _view.Entries.Count - Kept;
        if (excess <= 0)
        {
            return;
        }

        var settled = _view.Entries.Where(entry => entry.Delivery != AlertDelivery.Pending).Take(excess).ToHashSet();
        _view.Entries.RemoveAll(settled.Contains);
        excess -= settled.Count;
        if (excess > 0)
        {
            logger.LogWarning("Store {Tenant} dropped {Count} undelivered alerts: more than {Kept} are waiting for its webhook", _tenant, excess, Kept);
            _view.Entries.RemoveRange(0, excess);
            _view.DroppedUndelivered += excess;
        }
    }

    /// <summary>
    /// One signed POST of <paramref name="entry"/>; null when the receiver answered 2xx, else why not. Whatever fails in
    /// it is this attempt's error, retried and in the end marked failed like any other: an unexpected failure (say, a
    /// URL stored before a rule that now refuses it) let out ended the whole pass before any outcome was recorded, and
    /// its alerts stayed pending for good.
    /// </summary>
    private async Task<string?> SendAsync(StoreWebhook webhook, AlertEntry entry)
    {
        try
        {
            using var request = SignedRequest(webhook, entry);
            using var response = await httpClients.CreateClient(WebhookOptions.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
        {
            var reason = failure is OperationCanceledException ? $"no answer within {Options.Timeout.TotalSeconds:0.#} s" : failure.Message;
            return reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason;
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Alert {Id} of {Tenant} could not be sent to its webhook", entry.Id, _tenant);
            return $"not sent: {failure.GetType().Name}";
        }
    }

    private HttpRequestMessage SignedRequest(StoreWebhook webhook, AlertEntry entry)
    {
        var alert = entry.Alert;
        var body = JsonSerializer.Serialize(
            new LowStockDelivery(entry.Id, LowStockEvent, _tenant.Value, alert.Sku, alert.Zone, alert.Available, alert.ReorderPoint, alert.At),
            Json);
        var timestamp = Now.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, entry.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.EventHeader, LowStockEvent);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MultiStore-Webhooks", "1"));
        return request;
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
