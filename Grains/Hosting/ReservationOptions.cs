namespace MultiStore.Grains.Hosting;

/// <summary>How long stock is held for shoppers (configuration section <c>Reservations</c>).</summary>
public sealed class ReservationOptions
{
    public const string SectionName = "Reservations";

    /// <summary>How long a cart line holds its units after its last change.</summary>
    public TimeSpan CartHold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a checked-out order waits for payment before it expires.</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Extra time a stock entry keeps an order's units after the order's own deadline, so a payment that
    /// arrives at the last moment still finds its reservation; the order releases them itself at its deadline.
    /// </summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an active order or alert grain checks its deadline (a reminder covers deactivated ones). Stock
    /// entries need no beat: their timer fires at their next hold's deadline.
    /// </summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every silo looks in the stock journal for entries with a due hold that no active timer watches
    /// (deactivated, or lost with a silo): the longest such a hold outlives its deadline.
    /// </summary>
    public TimeSpan WakeUpScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the durable reminder wakes an order or alert grain with a pending deadline. Orleans refuses periods below its
    /// <c>ReminderOptions.MinimumReminderPeriod</c> (1 minute unless lowered), so only tests go lower.
    /// </summary>
    public TimeSpan ExpiryReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
