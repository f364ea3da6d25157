using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Orders;

/// <summary>What a payment reference persists: the order it pays (or is paying), null while free.</summary>
[GenerateSerializer, Alias("multistore.PaymentReferenceState")]
public sealed class PaymentReferenceState
{
    [Id(0)] public string? OrderId { get; set; }
}

/// <summary>
/// The store's index entry for one payment reference. Claims run one at a time (the grain is not reentrant), so of two
/// orders paid concurrently with one reference exactly one gets it. Asked once per payment, it goes after
/// <see cref="IdleMinutes"/> rather than Orleans' 15: one activation per order paid would otherwise pile up in a sale.
/// </summary>
[CollectionAgeLimit(Minutes = IdleMinutes)]
public sealed class PaymentReferenceGrain(
    [PersistentState("paymentReference", StorageNames.Shopping)] IPersistentState<PaymentReferenceState> reference)
    : Grain, IPaymentReferenceGrain
{
    /// <summary>How long an idle reference stays active.</summary>
    public const int IdleMinutes = 2;

    /// <inheritdoc />
    public async Task<bool> ClaimAsync(string orderId)
    {
        if (reference.State.OrderId is { } holder)
        {
            return holder == orderId;
        }

        // A failed write ends the activation (DeactivateOnFailureCallFilter): memory never holds an unstored claim.
        reference.State.OrderId = orderId;
        await reference.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string orderId)
    {
        if (reference.State.OrderId == orderId)
        {
            reference.State.OrderId = null;
            await reference.WriteStateAsync();
        }
    }
}
