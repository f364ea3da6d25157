namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Marks one method that only other grains call, on a grain whose other methods answer callers from outside the
/// cluster too (a host name's writes, where its lookup serves every request). The silo's call filter refuses a call
/// to it from outside the cluster, as it does every call to an <see cref="IClusterInternalGrain"/>.
/// </summary>
/// <remarks>
/// A method attribute rather than a second interface: the silo reads it from its own build of the interface, so grains
/// of the previous release, which call the same methods, keep working through a rolling upgrade.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class ClusterInternalAttribute : Attribute;
