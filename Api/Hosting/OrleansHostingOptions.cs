using Microsoft.Extensions.Options;

namespace MultiStore.Api.Hosting;

/// <summary>How the API reaches its grains.</summary>
public enum OrleansMode
{
    /// <summary>Co-hosts a single silo in the API process with in-memory storage: nothing else to run.</summary>
    Embedded = 0,

    /// <summary>
    /// Joins a clustered MultiStore (the Silo in cluster mode) as an Orleans client: gateways from the Redis
    /// membership table (<c>ConnectionStrings:Redis</c>), the cluster named by <c>Orleans:ClusterId</c> and
    /// <c>Orleans:ServiceId</c>. <see cref="OrleansHostingOptions.SiloPort"/> and <see cref="OrleansHostingOptions.GatewayPort"/> are not used.
    /// </summary>
    Cluster = 1,
}

/// <summary>Where the grains run (configuration section <c>Orleans</c>).</summary>
public sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";

    public OrleansMode Mode { get; set; } = OrleansMode.Embedded;

    /// <summary>The embedded silo's silo-to-silo port (embedded mode only).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The embedded silo's client gateway port (embedded mode only).</summary>
    public int GatewayPort { get; set; } = 30000;
}

public sealed class OrleansHostingOptionsValidator : IValidateOptions<OrleansHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansHostingOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{OrleansHostingOptions.SectionName}:{nameof(OrleansHostingOptions.Mode)} must be Embedded or Cluster.");
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            failures.Add($"{OrleansHostingOptions.SectionName}:{nameof(OrleansHostingOptions.SiloPort)} must be a TCP port (1-65535).");
        }

        if (options.GatewayPort is < 1 or > 65535)
        {
            failures.Add($"{OrleansHostingOptions.SectionName}:{nameof(OrleansHostingOptions.GatewayPort)} must be a TCP port (1-65535).");
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{OrleansHostingOptions.SectionName}:{nameof(OrleansHostingOptions.GatewayPort)} must differ from {OrleansHostingOptions.SectionName}:{nameof(OrleansHostingOptions.SiloPort)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
