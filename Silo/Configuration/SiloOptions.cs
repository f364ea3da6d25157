using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;

namespace MultiStore.Silo.Configuration;

/// <summary>Where a silo keeps its state and finds its peers.</summary>
public enum SiloMode
{
    /// <summary>Localhost clustering and in-memory state: one process, nothing to install, nothing kept after exit.</summary>
    Embedded,

    /// <summary>Redis membership, PostgreSQL grain state and reminders: several silos, state that survives restarts.</summary>
    Cluster,
}

/// <summary>The silo host's own switches (keys <c>Orleans:Mode</c> and <c>Database:MigrateOnStart</c>).</summary>
public sealed class SiloOptions
{
    public const string ModeKey = $"{MultiStoreClusterOptions.SectionName}:Mode";
    public const string MigrateOnStartKey = "Database:MigrateOnStart";

    /// <summary><see cref="SiloMode.Embedded"/> unless configured otherwise.</summary>
    public SiloMode Mode { get; set; } = SiloMode.Embedded;

    /// <summary>Applies the schema migrations before the silo starts (cluster mode only).</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>Reads and validates the switches; an unknown mode names its key.</summary>
    public static SiloOptions From(IConfiguration configuration)
    {
        var failures = new List<string>();
        var options = new SiloOptions();
        var mode = configuration[ModeKey];
        if (!string.IsNullOrWhiteSpace(mode))
        {
            if (Enum.TryParse<SiloMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                options.Mode = parsed;
            }
            else
            {
                failures.Add($"{ModeKey} must be {SiloMode.Embedded} or {SiloMode.Cluster}, not '{mode}'.");
            }
        }

        var migrate = configuration[MigrateOnStartKey];
        if (!string.IsNullOrWhiteSpace(migrate))
        {
            if (bool.TryParse(migrate, out var parsed))
            {
                options.MigrateOnStart = parsed;
            }
            else
            {
                failures.Add($"{MigrateOnStartKey} must be true or false, not '{migrate}'.");
            }
        }

        return failures.Count == 0
            ? options
            : throw new OptionsValidationException(nameof(SiloOptions), typeof(SiloOptions), failures);
    }
}
