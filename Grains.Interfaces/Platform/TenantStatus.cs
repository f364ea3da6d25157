namespace MultiStore.Grains.Interfaces.Platform;

[GenerateSerializer, Alias("multistore.TenantStatus")]
public enum TenantStatus
{
    Active = 0,
    Suspended = 1,
}
