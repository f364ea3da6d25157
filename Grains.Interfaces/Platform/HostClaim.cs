namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>How a host name answered a store's claim (<see cref="IHostNameGrain.BindAsync"/>).</summary>
[GenerateSerializer, Alias("multistore.HostClaim")]
public enum HostClaim
{
    /// <summary>The host was free and this call bound it to the store: undoing the claim is the claimer's to do.</summary>
    Bound = 0,

    /// <summary>
    /// The host already belonged to the store before this call (a repeated onboarding, or a live store the directory
    /// missed): the claimer must not give it back.
    /// </summary>
    AlreadyBound = 1,

    /// <summary>Another store holds the host.</summary>
    Taken = 2,
}
