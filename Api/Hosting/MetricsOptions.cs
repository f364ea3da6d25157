using Microsoft.Extensions.Options;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Where the API serves <c>/metrics</c> (configuration section <c>Metrics</c>). Without <see cref="Port"/> it answers
/// on every address the API listens on (development, tests, local clusters). With it, only requests that arrived on
/// that port are answered, so an operator lists the port in <c>Urls</c> (e.g. <c>http://+:8080;http://+:9090</c>)
/// and exposes only the other one to the internet: the Ingress never routes to the metrics port.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>The local port whose requests may read <c>/metrics</c>, or null for any port.</summary>
    public int? Port { get; set; }
}

/// <summary>
/// Refuses a metrics port that is no TCP port, and a missing one where the public port could be reached from
/// elsewhere (<paramref name="anyPortHarmless"/> false): the page lists every store's id and request rate, which no
/// shopper and no other store may read.
/// </summary>
public sealed class MetricsOptionsValidator(bool anyPortHarmless) : IValidateOptions<MetricsOptions>
{
    /// <summary>
    /// The rule for a host: answering <c>/metrics</c> on any port is harmless in the Development environment and
    /// while the API listens on this machine only (the README's demo, local clusters, the bench).
    /// </summary>
    public static MetricsOptionsValidator For(bool isDevelopment, IConfiguration configuration) =>
        new(isDevelopment || ListenAddresses.AreLoopbackOnly(configuration));

    public ValidateOptionsResult Validate(string? name, MetricsOptions options) => options.Port switch
    {
        null when !anyPortHarmless => ValidateOptionsResult.Fail(
            $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Port)} must be set when the API listens beyond this machine: without it every port, the public one included, serves /metrics with every store's id and traffic."),
        null or (>= 1 and <= 65535) => ValidateOptionsResult.Success,
        _ => ValidateOptionsResult.Fail($"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Port)} must be a TCP port (1-65535), not {options.Port}."),
    };
}
