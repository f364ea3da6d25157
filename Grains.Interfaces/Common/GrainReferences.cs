namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// Grain references by string key, as <c>GetGrain&lt;TGrain&gt;(key)</c> builds them, minus a cost Orleans pays on every
/// such call: it reads the interface's attributes again to learn its interface type (profiled on the storefront path:
/// 3.5 % of the silo's CPU and 2 % of the Api's). The grain type and interface type of each interface are learnt
/// from the first reference Orleans builds and reused after that.
/// </summary>
public static class GrainReferences
{
    /// <summary>The reference <c>GetGrain&lt;TGrain&gt;(key)</c> would return: same grain id, same interface.</summary>
    public static TGrain GetGrainByKey<TGrain>(this IGrainFactory grains, string key)
        where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (TypesOf<TGrain>.Known is var (grainType, interfaceType))
        {
            return (TGrain)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
        }

        var grain = grains.GetGrain<TGrain>(key);
        var reference = (GrainReference)(object)grain;
        // A client that has not heard the cluster's manifest yet gets a provisional system type ("sys." prefix),
        // which Orleans resolves later: only a real grain type is kept.
        if (!reference.GrainId.Type.ToString()!.StartsWith(GrainTypePrefix.SystemPrefix, StringComparison.Ordinal))
        {
            TypesOf<TGrain>.Known = (reference.GrainId.Type, reference.InterfaceType);
        }

        return grain;
    }

    /// <summary>
    /// One pair per interface for the whole process: both follow from the grain classes and interfaces compiled in,
    /// the same for every client and silo of this build.
    /// </summary>
    private static class TypesOf<TGrain>
    {
        public static (GrainType GrainType, GrainInterfaceType InterfaceType)? Known;
    }
}
