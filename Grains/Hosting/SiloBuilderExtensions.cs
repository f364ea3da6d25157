using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MultiStore.Grains.Tenancy;

namespace MultiStore.Grains.Hosting;

/// <summary>Composition of the MultiStore grains, shared by the Silo host, the Api's embedded silo and test clusters.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Adds the grains' services, options (section <see cref="ReservationOptions.SectionName"/>) and the tenant
    /// isolation call filter. A <see cref="TimeProvider"/> registered before this call (a test clock) is kept.
    /// </summary>
    public static ISiloBuilder AddMultiStoreGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<ReservationOptions>().BindConfiguration(ReservationOptions.SectionName);
        silo.AddIncomingGrainCallFilter<TenantIsolationCallFilter>();
        return silo;
    }

    /// <summary>Keeps grain state and reminders in memory: the embedded default, which keeps nothing after exit.</summary>
    public static ISiloBuilder UseEmbeddedStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Store);
        silo.UseInMemoryReminderService();
        return silo;
    }
}
