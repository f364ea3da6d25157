using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Who a clustered silo or client is and how it finds the others (configuration section <c>Orleans</c>, plus the
/// connection string <c>ConnectionStrings:Redis</c> of the membership table). Shared by the Silo and the Api's
/// cluster client, so both read the same keys.
/// </summary>
public sealed class MultiStoreClusterOptions
{
    public const string SectionName = "Orleans";

    /// <summary>The configuration key of <see cref="RedisConnectionString"/>.</summary>
    public const string RedisKey = "ConnectionStrings:Redis";

    /// <summary>
    /// Names one running cluster: silos and clients with the same ClusterId form one cluster (one Redis membership
    /// key). A blue/green deployment would use a new ClusterId with the same <see cref="ServiceId"/>.
    /// </summary>
    public string ClusterId { get; set; } = "multistore";

    /// <summary>
    /// Names the service across deployments: grain state and reminders are keyed by it in PostgreSQL.
    /// Never change it for existing data.
    /// </summary>
    public string ServiceId { get; set; } = "multistore";

    /// <summary>Silo-to-silo TCP port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client-to-silo (gateway) TCP port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo at; it is written into the membership table.
    /// Defaults to 127.0.0.1 (a single machine); a multi-machine deployment must set it.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:56379</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Opts in to Orleans' strongly consistent distributed grain directory (experimental in 10.x). Off by default:
    /// docs/durability.md explains why version-fenced writes are the guarantee MultiStore relies on instead.
    /// </summary>
    public bool UseDistributedGrainDirectory { get; set; }

    /// <summary>The address to advertise: <see cref="AdvertisedIP"/> or loopback.</summary>
    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIP);

    /// <summary>Reads the section and the Redis connection string.</summary>
    public static MultiStoreClusterOptions From(IConfiguration configuration)
    {
        var options = new MultiStoreClusterOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.RedisConnectionString = configuration.GetConnectionString("Redis");
        return options;
    }
}

/// <summary>Refuses cluster settings that cannot work, naming the configuration key to fix.</summary>
public sealed class MultiStoreClusterOptionsValidator : IValidateOptions<MultiStoreClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, MultiStoreClusterOptions options)
    {
        const string Section = MultiStoreClusterOptions.SectionName;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Section}:{nameof(options.ClusterId)} must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Section}:{nameof(options.ServiceId)} must not be empty.");
        }
        else if (options.ServiceId.Length > 150)
        {
            failures.Add($"{Section}:{nameof(options.ServiceId)} has at most 150 characters (the storage column's width).");
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            failures.Add($"{Section}:{nameof(options.SiloPort)} must be a TCP port (1-65535), not {options.SiloPort}.");
        }

        if (options.GatewayPort is < 1 or > 65535)
        {
            failures.Add($"{Section}:{nameof(options.GatewayPort)} must be a TCP port (1-65535), not {options.GatewayPort}.");
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{Section}:{nameof(options.SiloPort)} and {Section}:{nameof(options.GatewayPort)} must differ.");
        }

        if (!string.IsNullOrWhiteSpace(options.AdvertisedIP) && !IPAddress.TryParse(options.AdvertisedIP, out _))
        {
            failures.Add($"{Section}:{nameof(options.AdvertisedIP)} must be an IP address, not '{options.AdvertisedIP}'.");
        }

        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add($"{MultiStoreClusterOptions.RedisKey} is required in cluster mode (environment ConnectionStrings__Redis).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
