using System.Globalization;

namespace MultiStore.Bench.Measurement;

/// <summary>Reads values out of a Prometheus text exposition (the silos' and the Api's <c>/metrics</c>).</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of every series of <paramref name="metric"/> (one per label set, e.g. per GC generation); zero when
    /// absent. Only that exact name counts (not <c>{metric}_total</c>), and a line whose value does not parse is skipped.
    /// </summary>
    public static double Sum(string exposition, string metric)
    {
        double sum = 0;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            // name{labels} value [timestamp]
            var rest = line[metric.Length] == '{' ? line[(line.IndexOf('}') + 1)..] : line[metric.Length..];
            rest = rest.TrimStart(' ');
            var end = rest.IndexOf(' ');
            if (double.TryParse(end < 0 ? rest : rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
            }
        }

        return sum;
    }
}
