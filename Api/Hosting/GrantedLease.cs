using System.Threading.RateLimiting;

namespace MultiStore.Api.Hosting;

/// <summary>A lease that was granted and carries no metadata: the shape of every permit the storefront's windows hand out.</summary>
public abstract class GrantedLease : RateLimitLease
{
    public sealed override bool IsAcquired => true;

    public sealed override IEnumerable<string> MetadataNames => [];

    public sealed override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
