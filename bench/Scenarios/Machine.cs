namespace MultiStore.Bench.Scenarios;

/// <summary>How busy the machine is: other engineers build here too, so every figure carries the load it ran under.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average (runnable tasks, on 2 cores: above ~2 means someone else is using CPU).</summary>
    public static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
