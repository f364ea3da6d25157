namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>Thrown by the silo when a call reaches a grain of a store the caller does not act for.</summary>
[GenerateSerializer, Alias("multistore.TenantIsolationException")]
public sealed class TenantIsolationException : Exception
{
    public TenantIsolationException(string message) : base(message)
    {
    }
}
