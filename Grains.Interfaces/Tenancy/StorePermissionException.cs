namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Thrown by the silo when a caller acts for the right store but lacks the permission the grain method requires
/// (<see cref="RequiresPermissionAttribute"/>). Nothing was changed. The API answers it with 403.
/// </summary>
[GenerateSerializer, Alias("multistore.StorePermissionException")]
public sealed class StorePermissionException : Exception
{
    public StorePermissionException(string message) : base(message)
    {
    }
}
