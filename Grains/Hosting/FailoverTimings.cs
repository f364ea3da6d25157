using Orleans.Configuration;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// How fast a clustered MultiStore notices a dead silo and routes around it. The issue's target is "a killed
/// silo's grains serve again within 5 seconds"; Orleans' defaults take 12-15 s (3 missed probes of 5 s, then
/// votes), so the membership protocol is tightened here. Every value can still be overridden from configuration
/// (<c>Orleans:Membership:*</c> binds onto <see cref="ClusterMembershipOptions"/>, <c>Orleans:Gateway:*</c> onto
/// <see cref="GatewayOptions"/>), e.g. for a slower network.
/// </summary>
public static class FailoverTimings
{
    /// <summary>Configuration section whose keys override <see cref="ClusterMembershipOptions"/>.</summary>
    public const string MembershipSection = "Orleans:Membership";

    /// <summary>Configuration section whose keys override <see cref="GatewayOptions"/>.</summary>
    public const string GatewaySection = "Orleans:Gateway";

    /// <summary>Configuration section whose keys override <see cref="ClientMessagingOptions"/>.</summary>
    public const string ClientMessagingSection = "Orleans:ClientMessaging";

    /// <summary>Applies MultiStore's failure-detection settings to a silo.</summary>
    public static void ApplyTo(ClusterMembershipOptions membership)
    {
        // A probe goes out about once per ProbeTimeout. A kill -9 closes the dead silo's sockets, so its probes
        // fail at once; 1 s (instead of 5 s) is what turns "3 missed probes" from 15 s into about 2 s.
        membership.ProbeTimeout = TimeSpan.FromSeconds(1);

        // Orleans adapts the effective timeout to observed probe latency (between MinProbeTimeout and
        // MaxProbeTimeout, 4x ProbeTimeout by default). A cap of 3 s keeps a slow-but-alive silo (GC, a busy
        // 2-core box) from being declared dead, while bounding how long a dead one can hide.
        membership.MaxProbeTimeout = TimeSpan.FromSeconds(3);

        // Two consecutive misses make a suspicion (default 3). One miss is noise; two within ~2 s are not.
        membership.NumMissedProbesLimit = 2;

        // Two votes declare death (the default, kept): with three silos both survivors must agree, so one
        // silo with a bad link cannot evict a healthy peer on its own. Indirect probes stay on (default) for
        // the same reason: a suspect is asked about through another silo before it is voted out.
        membership.NumVotesForDeathDeclaration = 2;

        // Votes older than this are ignored. Default 2 min; 20 s keeps stale suspicions from a past hiccup
        // adding up with a fresh one, and is still far longer than a detection round.
        membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);

        // Membership changes are gossiped at once; this periodic re-read of the Redis table (default 60 s) is the
        // fallback for a missed gossip message. 5 s bounds how long a silo can act on a stale view. It is one
        // HGETALL per silo per period: nothing for Redis.
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);

        // Heartbeat written to the table (default 30 s). Clients and joining silos use it to skip stale entries;
        // 5 s keeps a crashed silo's gateway from being handed out long after its death.
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>Applies MultiStore's gateway refresh settings to a cluster client.</summary>
    public static void ApplyTo(GatewayOptions gateway)
    {
        // The client re-reads the live gateways from Redis this often (default 60 s). A dead gateway's connection
        // fails at once and the client moves on by itself; the refresh is how it learns about new or restarted
        // silos, so it is short enough to spread load again within a few seconds of a silo coming back.
        gateway.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);
    }

    /// <summary>Applies MultiStore's call timeout to a cluster client.</summary>
    public static void ApplyTo(ClientMessagingOptions messaging)
    {
        // A request that was already queued at a silo when that silo was killed is simply lost: the client only
        // learns of it when the call times out (Orleans' default: 30 s; measured here: every in-flight call of a
        // killed silo hung for the full timeout). 3 s is longer than any healthy call (a hot SKU under 200
        // shoppers answers in well under 2 s) and lets the caller retry once membership has moved the grain
        // (about 2-3 s with the settings above), so service is back within the 5 s target.
        messaging.ResponseTimeout = TimeSpan.FromSeconds(3);
    }
}
