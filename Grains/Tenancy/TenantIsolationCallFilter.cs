using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Tenancy;

/// <summary>
/// The silo's last line of isolation: a call to a tenant-scoped grain runs only when the caller acts for the
/// store named in the grain's key. The one exception is a <see cref="PlatformAccessAttribute"/> method called
/// by a platform operator, which is logged as a cross-store access. System calls (reminders, deactivation)
/// use other interfaces and pass untouched.
/// </summary>
internal sealed class TenantIsolationCallFilter(ILogger<TenantIsolationCallFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, PlatformAccessAttribute?> PlatformDoors = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (method?.DeclaringType is { } contract && typeof(ITenantScopedGrain).IsAssignableFrom(contract))
        {
            Authorize(context, method);
        }

        return context.Invoke();
    }

    private void Authorize(IIncomingGrainCallContext context, MethodInfo method)
    {
        var key = context.TargetId.Key.ToString() ?? string.Empty;
        if (!TenantKey.TryParse(key, out var owner, out _))
        {
            throw new TenantIsolationException($"Grain key '{key}' names no store.");
        }

        var platformDoor = PlatformDoors.GetOrAdd(method, m => m.GetCustomAttribute<PlatformAccessAttribute>(inherit: true));
        if (TenantContext.Tenant is { } caller)
        {
            if (caller == owner && platformDoor is not { PlatformOnly: true })
            {
                return;
            }

            logger.LogWarning(
                "Refused call {Interface}.{Method} from store {Caller} to {Owner} by {Actor}",
                method.DeclaringType!.Name, method.Name, caller, owner, TenantContext.Actor);
            throw new TenantIsolationException(caller == owner
                ? $"Only a platform operator may call {method.Name} on a store."
                : $"A call for store '{caller}' cannot reach a grain of another store.");
        }

        if (TenantContext.IsPlatform && platformDoor is not null)
        {
            logger.LogInformation(
                "Platform access {Interface}.{Method} to store {Owner} by {Actor}",
                method.DeclaringType!.Name, method.Name, owner, TenantContext.Actor);
            return;
        }

        logger.LogWarning(
            "Refused call {Interface}.{Method} to store {Owner} without a store in context (actor {Actor})",
            method.DeclaringType!.Name, method.Name, owner, TenantContext.Actor);
        throw new TenantIsolationException("A call to a store's grain must act for that store.");
    }
}
