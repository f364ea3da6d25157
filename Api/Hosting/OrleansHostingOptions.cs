using Microsoft.Extensions.Options;

namespace MultiStore.Api.Hosting;

/// <summary>How the API reaches its grains.</summary>
public enum OrleansMode
{
    /// <summary>Co-hosts a single silo in the API process with in-memory storage: nothing else to run.</summary>
    Embedded = 0,

    /// <summary>Joins an external cluster as a client (not available yet).</summary>
    Cluster = 1,
}

/// <summary>Where the grains run (configuration section <c>Orleans</c>).</summary>
public sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";

    public OrleansMode Mode { get; set; } = OrleansMode.Embedded;

    /// <summary>The embedded silo's silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The embedded silo's client gateway port.</summary>
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
