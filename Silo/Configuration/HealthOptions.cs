using Microsoft.Extensions.Options;

namespace MultiStore.Silo.Configuration;

/// <summary>
/// The silo's HTTP side (configuration section <c>Health</c>): <c>/health/live</c>, <c>/health/ready</c> and
/// <c>/metrics</c> on <see cref="Port"/>. Off unless a port is set, so several silos on one machine (scripts,
/// tests) need no port each; the container image and the Kubernetes manifests set <c>Health__Port=8080</c>.
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>The TCP port the endpoint listens on (all interfaces), or null for no endpoint.</summary>
    public int? Port { get; set; }
}

/// <summary>Refuses a port outside 1-65535, naming the key.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.Port is null or (>= 1 and <= 65535)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{HealthOptions.SectionName}:{nameof(HealthOptions.Port)} must be a TCP port (1-65535), not {options.Port}.");
}
