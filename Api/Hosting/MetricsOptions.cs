using Microsoft.Extensions.Options;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Where the API serves <c>/metrics</c> (configuration section <c>Metrics</c>). Without <see cref="Port"/> it answers
/// on every address the API listens on (development, tests). With it, only requests that arrived on that port are
/// answered, so an operator lists the port in <c>Urls</c> (e.g. <c>http://+:8080;http://+:9090</c>) and exposes
/// only the other one to the internet: the Ingress never routes to the metrics port.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>The local port whose requests may read <c>/metrics</c>, or null for any port.</summary>
    public int? Port { get; set; }
}

public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options) =>
        options.Port is null or (>= 1 and <= 65535)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Port)} must be a TCP port (1-65535), not {options.Port}.");
}
