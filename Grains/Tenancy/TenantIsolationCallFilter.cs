using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Tenancy;

/// <summary>
/// The silo's last line of isolation and authorization. A call to a tenant-scoped grain runs only when
/// (1) the caller acts for the store named in the grain's key, and (2) a call from outside the cluster holds one of
/// the permissions the method declares (<see cref="RequiresPermissionAttribute"/>), even when the store matches.
/// The one cross-store exception is a <see cref="PlatformAccessAttribute"/> method called by a platform operator,
/// which is logged. Grains marked <see cref="IClusterInternalGrain"/>, and methods marked
/// <see cref="ClusterInternalAttribute"/>, answer other grains only. System calls (reminders,
/// deactivation) use other interfaces and pass untouched.
/// </summary>
internal sealed class TenantIsolationCallFilter(ILogger<TenantIsolationCallFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, MethodAccess> Rules = new();
    private static readonly ConcurrentDictionary<MethodInfo, bool> GrainCallersOnly = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (method?.DeclaringType is { } contract)
        {
            if (typeof(ITenantScopedGrain).IsAssignableFrom(contract))
            {
                Authorize(context, method);
            }
            else if (IsClusterInternal(contract, method) && !IsFromGrain(context))
            {
                logger.LogWarning("Refused call {Interface}.{Method} from outside the cluster (actor {Actor})", contract.Name, method.Name, TenantContext.Actor);
                throw new TenantIsolationException($"{contract.Name}.{method.Name} is called only by the cluster's own grains.");
            }
        }

        return context.Invoke();
    }

    private void Authorize(IIncomingGrainCallContext context, MethodInfo method)
    {
        var rule = Rules.GetOrAdd(method, MethodAccess.Of);
        var caller = TenantContext.Tenant;
        // The usual call: a store's own grain. Its key is compared as the bytes it is stored in, so no key is decoded.
        if (caller is { } store && rule.Platform is not { PlatformOnly: true } && TenantKey.BelongsTo(context.TargetId.Key.AsSpan(), store))
        {
            AuthorizePermission(context, method, rule, store);
            return;
        }

        var key = context.TargetId.Key.ToString() ?? string.Empty;
        if (!TenantKey.TryParse(key, out var owner, out _))
        {
            throw new TenantIsolationException($"Grain key '{key}' names no store.");
        }

        if (caller is not null)
        {
            // Its own store's grain was let through above: this is another store's, or a platform-only method.
            logger.LogWarning(
                "Refused call {Interface}.{Method} from store {Caller} to {Owner} by {Actor}",
                method.DeclaringType!.Name, method.Name, caller, owner, TenantContext.Actor);
            throw new TenantIsolationException(caller == owner
                ? $"Only a platform operator may call {method.Name} on a store."
                : $"A call for store '{caller}' cannot reach a grain of another store.");
        }

        if (TenantContext.IsPlatform && rule.Platform is not null)
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

    /// <summary>The store matches; now the caller's permissions must satisfy the method's declaration.</summary>
    private void AuthorizePermission(IIncomingGrainCallContext context, MethodInfo method, MethodAccess rule, TenantId owner)
    {
        // A grain calling another on its own authority (a cart reserving stock, an order releasing it at expiry)
        // is not re-checked: the call that entered the cluster was, and the grain's code decides what follows.
        if (IsFromGrain(context) || rule.AnyStoreCaller)
        {
            return;
        }

        if (rule.Permission is { } required)
        {
            foreach (var permission in required.AnyOf)
            {
                if (TenantContext.HasPermission(permission))
                {
                    return;
                }
            }

            Refuse(method, owner, $"{method.DeclaringType!.Name}.{method.Name} requires {string.Join(" or ", required.AnyOf)}; the caller holds {Describe(TenantContext.Permissions)}.");
        }

        // Trusted system code (timers, seeding, tests) may call a method that declares nothing; no caller acting for
        // a person or a shopper may. The contract test in MultiStore.Grains.Tests lists every undeclared method.
        if (!TenantContext.HasPermission(StorePermission.System))
        {
            Refuse(method, owner, $"{method.DeclaringType!.Name}.{method.Name} declares no permission ([RequiresPermission] or [AnyStoreCaller], see Grains.Interfaces/Tenancy), so it is closed to callers from outside the cluster.");
        }
    }

    private void Refuse(MethodInfo method, TenantId owner, string reason)
    {
        logger.LogWarning(
            "Refused call {Interface}.{Method} in store {Owner} by {Actor}: {Reason}",
            method.DeclaringType!.Name, method.Name, owner, TenantContext.Actor, reason);
        throw new StorePermissionException(reason);
    }

    private static bool IsClusterInternal(Type contract, MethodInfo method) =>
        typeof(IClusterInternalGrain).IsAssignableFrom(contract)
        || GrainCallersOnly.GetOrAdd(method, static candidate => candidate.IsDefined(typeof(ClusterInternalAttribute), inherit: true));

    private static bool IsFromGrain(IIncomingGrainCallContext context) =>
        context.SourceId is { IsDefault: false } source
        && !GrainTypePrefix.IsClient(source)
        && !GrainTypePrefix.IsSystemTarget(source);

    private static string Describe(IReadOnlyList<string> permissions) =>
        permissions.Count == 0 ? "none" : string.Join(", ", permissions);

    /// <summary>What a method's attributes say about who may call it.</summary>
    private sealed record MethodAccess(PlatformAccessAttribute? Platform, RequiresPermissionAttribute? Permission, bool AnyStoreCaller)
    {
        public static MethodAccess Of(MethodInfo method) => new(
            method.GetCustomAttribute<PlatformAccessAttribute>(inherit: true),
            method.GetCustomAttribute<RequiresPermissionAttribute>(inherit: true),
            method.IsDefined(typeof(AnyStoreCallerAttribute), inherit: true));
    }
}
