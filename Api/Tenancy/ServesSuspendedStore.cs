namespace MultiStore.Api.Tenancy;

/// <summary>
/// Endpoint metadata: this admin route still answers while the platform has its store suspended. Kept for what a
/// suspension must not lose, recording money a shopper already paid for an order placed before it; nothing that sells,
/// restocks or reads the store more. Storefront routes never carry it.
/// </summary>
public sealed class ServesSuspendedStore
{
    public static ServesSuspendedStore Instance { get; } = new();

    private ServesSuspendedStore()
    {
    }

    public static bool Allows(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ServesSuspendedStore>() is not null;
}
