namespace MultiStore.Api.Tenancy;

/// <summary>
/// Endpoint metadata: this route, storefront or admin, still answers while the platform has its store suspended. Kept
/// for what a suspension must not take from shoppers: an order placed before it stays theirs to read, to cancel (its
/// units go back sooner) and to have a captured payment recorded, and support can read what they record. Nothing that
/// sells, restocks, changes the catalog or reads stock, carts or the catalog carries it; the marker alone decides.
/// </summary>
public sealed class ServesSuspendedStore
{
    public static ServesSuspendedStore Instance { get; } = new();

    private ServesSuspendedStore()
    {
    }

    public static bool Allows(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ServesSuspendedStore>() is not null;
}
