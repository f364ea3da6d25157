namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Marks a grain that only other grains call (an audit trail's pages): the silo's call filter refuses every call to it
/// from outside the cluster, whatever the caller's context, so its data is reached only through the grain that owns it.
/// </summary>
[Alias("multistore.IClusterInternalGrain")]
public interface IClusterInternalGrain : IGrainWithStringKey;
