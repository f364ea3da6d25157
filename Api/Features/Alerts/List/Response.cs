using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Alerts.List;

/// <summary>A page of the store's low-stock alerts, newest first.</summary>
/// <param name="NextBefore">Pass as <c>before</c> for the next (older) page; null on the last page.</param>
/// <param name="DroppedAlerts">
/// How many alerts the store's stock entries dropped before the store acknowledged them (each entry keeps its newest
/// 20 waiting), over the store's life: the store may never have got them. 0 nearly always.
/// </param>
/// <param name="DroppedUndelivered">
/// How many alerts the store dropped from its list of the newest 500 while they still waited for the webhook, over the
/// store's life: the receiver never got them. 0 unless the receiver has failed for a long time.
/// </param>
public sealed record Response(IReadOnlyList<AlertResponse> Alerts, long? NextBefore, long DroppedAlerts, long DroppedUndelivered)
{
    public static Response From(AlertPage page) => new([.. page.Alerts.Select(AlertResponse.From)], page.NextBefore, page.DroppedAlerts, page.DroppedUndelivered);
}

/// <summary>One alert and its webhook delivery.</summary>
/// <param name="Id">The alert's number in the store; the webhook's <c>X-MultiStore-Delivery</c>.</param>
/// <param name="Delivery"><c>none</c> (no webhook was set), <c>pending</c>, <c>delivered</c> or <c>failed</c>.</param>
/// <param name="Attempts">Webhook calls made so far.</param>
/// <param name="LastError">Why the last attempt failed, if it did.</param>
public sealed record AlertResponse(
    long Id,
    string Sku,
    string Zone,
    int Available,
    int ReorderPoint,
    DateTimeOffset At,
    string Delivery,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError)
{
    public static AlertResponse From(AlertEntry entry) => new(
        entry.Id,
        entry.Alert.Sku,
        entry.Alert.Zone,
        entry.Alert.Available,
        entry.Alert.ReorderPoint,
        entry.Alert.At,
        entry.Delivery switch
        {
            AlertDelivery.Pending => "pending",
            AlertDelivery.Delivered => "delivered",
            AlertDelivery.Failed => "failed",
            _ => "none",
        },
        entry.Attempts,
        entry.NextAttemptAt,
        entry.DeliveredAt,
        entry.LastError);
}
