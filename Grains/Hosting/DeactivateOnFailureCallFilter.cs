using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Ends the activation of any MultiStore grain whose call failed unexpectedly, so that its next call starts again from
/// what storage holds.
/// <para>
/// Why: a grain changes its state in memory and then writes it. When the write fails (PostgreSQL down, a dropped
/// connection), Orleans reports the storage error but keeps the activation, whose memory is now ahead of storage; only
/// a lost version fence (<see cref="Orleans.Storage.InconsistentStateException"/>) makes Orleans drop it. A retry of the same call
/// then found its change already made, wrote nothing and acknowledged it: a paid order answered "paid" while storage
/// still said "pending" and later expired it; a suspended store, a claimed domain or a removed webhook came back once
/// the activation was collected. Deactivated, the activation is gone before the retry arrives (Orleans forwards
/// calls queued behind it to a fresh one), and the retry does the work again against stored state, which every
/// grain's changes are written to allow.
/// </para>
/// <para>
/// Orleans passes grain timer ticks through incoming call filters too, so a timer's sweep that failed to store its
/// change (an order expired, a delivery recorded) ends the activation the same way.
/// </para>
/// <para>
/// The answers a grain gives on purpose before it changes anything (a store rule, a missing permission, another
/// store's caller) keep the activation. Other grains (Orleans' own) are left alone.
/// </para>
/// </summary>
public sealed class DeactivateOnFailureCallFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        if (!call.IsCompletedSuccessfully)
        {
            return ObserveAsync(call, context);
        }

        ObserveResponse(context);
        return Task.CompletedTask;
    }

    private static async Task ObserveAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception failure)
        {
            DeactivateIfUnexpected(context, failure);
            throw;
        }

        ObserveResponse(context);
    }

    // Orleans usually hands a grain method's exception back in the response rather than throwing it here.
    private static void ObserveResponse(IIncomingGrainCallContext context)
    {
        if (context.Response?.Exception is { } failure)
        {
            DeactivateIfUnexpected(context, failure);
        }
    }

    private static void DeactivateIfUnexpected(IIncomingGrainCallContext context, Exception failure)
    {
        if (IsDeliberateAnswer(failure) || context.Grain?.GetType().Assembly != typeof(DeactivateOnFailureCallFilter).Assembly)
        {
            return;
        }

        // The failure goes in the reason's text, not as its exception: Orleans answers every call queued behind an
        // activation deactivated with an exception by rejecting it with that exception, where without one it forwards
        // them to a fresh activation. A shopper's read queued behind someone's failed payment would otherwise fail too.
        context.TargetContext.Deactivate(new DeactivationReason(
            DeactivationReasonCode.ApplicationError,
            $"A call failed unexpectedly ({failure.GetType().Name}); memory may be ahead of storage."));
    }

    private static bool IsDeliberateAnswer(Exception failure) =>
        failure is StoreRuleException or StorePermissionException or TenantIsolationException;
}
