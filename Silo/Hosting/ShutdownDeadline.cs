using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MultiStore.Silo.Hosting;

/// <summary>
/// Bounds a silo's stop. The host gives Orleans <see cref="SiloHostingExtensions.ShutdownTimeout"/>, but Orleans'
/// stop does not always honour it: when the membership table cannot be written (Redis gone, or emptied by a restart
/// without persistence) it keeps retrying its "shutting down" status and the process never exits (seen here: still
/// running minutes after SIGTERM). A silo that is told to stop must stop, so after the timeout plus
/// <see cref="Grace"/> the process exits anyway. Nothing acknowledged is lost: it is all in PostgreSQL already.
/// </summary>
public sealed partial class ShutdownDeadline(IHostApplicationLifetime lifetime, ILogger<ShutdownDeadline> logger) : IHostedService, IDisposable
{
    /// <summary>Time past the host's shutdown timeout before the process is ended.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>The exit code of a silo whose stop overran its deadline.</summary>
    public const int OverranExitCode = 70;

    private CancellationTokenRegistration _stopping;
    private Timer? _deadline;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(Arm);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _stopping.Dispose();
        _deadline?.Dispose();
    }

    private void Arm()
    {
        var limit = SiloHostingExtensions.ShutdownTimeout + Grace;
        _deadline = new Timer(_ => Overrun(limit), null, limit, Timeout.InfiniteTimeSpan);
    }

    private void Overrun(TimeSpan limit)
    {
        LogOverrun(logger, limit.TotalSeconds, OverranExitCode);
        Thread.Sleep(TimeSpan.FromMilliseconds(250));
        Environment.Exit(OverranExitCode);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The silo did not stop within {Seconds:F0} s; exiting with code {ExitCode}")]
    private static partial void LogOverrun(ILogger logger, double seconds, int exitCode);
}
