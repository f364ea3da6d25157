namespace MultiStore.Grains.Hosting;

/// <summary>Composition of the MultiStore grains, shared by the Silo host, the Api's embedded silo and test clusters.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Adds the grains' services, options and the tenant isolation call filter.</summary>
    public static ISiloBuilder AddMultiStoreGrains(this ISiloBuilder silo) => throw new NotImplementedException();

    /// <summary>Keeps grain state and reminders in memory: the embedded default, which keeps nothing after exit.</summary>
    public static ISiloBuilder UseEmbeddedStorage(this ISiloBuilder silo) => throw new NotImplementedException();
}
