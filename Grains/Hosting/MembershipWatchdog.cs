using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;

namespace MultiStore.Grains.Hosting;

/// <summary>When <see cref="MembershipWatchdog"/> looks and when it gives up (section <c>Orleans:MembershipWatchdog</c>).</summary>
public sealed class MembershipWatchdogOptions
{
    public const string SectionName = "Orleans:MembershipWatchdog";

    /// <summary>Switched off only to watch Orleans' own behaviour without the remedy.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an active silo reads the membership table (one HGETALL) and looks for its own row.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Consecutive checks that must find the row missing before the silo exits. Only a table that was read and
    /// lacks the row counts (an unreachable or still-loading Redis does not), so a few seconds are certainty enough.
    /// </summary>
    public int MissingChecksLimit { get; set; } = 3;
}

/// <summary>
/// Ends a silo whose own row has gone from the membership table, e.g. after Redis restarted without persistence,
/// so that the orchestrator starts it again and it rejoins through Orleans' normal join path.
/// <para>
/// Orleans does not recover from a lost table by itself: every silo keeps serving from its in-memory view, but
/// the periodic refresh fails forever ("The Redis membership table version is missing"), a dead silo can no longer
/// be voted out, a new silo or client finds no gateways, and a graceful shutdown hangs on writing its status
/// (dotnet/orleans#7784 describes the same loop). Rebuilding the table from a silo's memory would need a version
/// above every silo's view and every member's full row, both internal to Orleans and the provider; a restart needs
/// neither. Leaving is safe: every acknowledged change is already in PostgreSQL (the acknowledgement rule).
/// </para>
/// Only a confirmed absence counts: a table that cannot be read for another reason (Redis unreachable) says nothing
/// about this silo, and the silo keeps serving.
/// </summary>
public sealed partial class MembershipWatchdog(
    IMembershipTable table,
    ILocalSiloDetails localSilo,
    ISiloStatusOracle status,
    IOptions<MembershipWatchdogOptions> options,
    ILogger<MembershipWatchdog> logger) : BackgroundService
{
    /// <summary>The exit code of a silo that left because its row was gone (EX_TEMPFAIL: start me again).</summary>
    public const int MembershipLostExitCode = 75;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.CheckInterval);
        var missing = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Before joining the silo has no row yet, and while stopping it removes its own.
            if (status.CurrentStatus != SiloStatus.Active)
            {
                missing = 0;
                continue;
            }

            var observation = await ObserveAsync(stoppingToken);
            if (observation is null)
            {
                missing = 0;
                continue;
            }

            missing++;
            LogMissing(logger, localSilo.SiloAddress.ToString(), observation, missing, settings.MissingChecksLimit);
            if (missing >= settings.MissingChecksLimit)
            {
                LogLeaving(logger, localSilo.SiloAddress.ToString(), missing, MembershipLostExitCode);
                ExitProcess(MembershipLostExitCode);
                return;
            }
        }
    }

    /// <summary>Why this silo's row counts as missing, or null when it is there (or the table cannot be read).</summary>
    private async Task<string?> ObserveAsync(CancellationToken cancellationToken)
    {
        MembershipTableData data;
        try
        {
            data = await table.ReadAllAsync(cancellationToken);
        }
        catch (RedisClusteringException error) when (error.Message.Contains("version is missing", StringComparison.OrdinalIgnoreCase))
        {
            // The Redis provider reads the table's version row first and says so when it is gone; any other
            // failure (connection, timeout) leaves the question open.
            return error.Message;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogUnreadable(logger, error.GetType().Name, error.Message);
            return null;
        }

        return data.TryGet(localSilo.SiloAddress) is null ? $"the table (version {data.Version.Version}) has no row for this silo" : null;
    }

    private static void ExitProcess(int exitCode)
    {
        // Not a graceful stop: Orleans' stop writes this silo's status to the very table that is gone and never ends.
        // Give the console logger a moment to write the reason, then leave with a code an orchestrator restarts.
        Thread.Sleep(TimeSpan.FromMilliseconds(250));
        Environment.Exit(exitCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership row of {Silo} missing ({Reason}): check {Count} of {Limit}")]
    private static partial void LogMissing(ILogger logger, string silo, string reason, int count, int limit);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Membership row of {Silo} missing in {Count} consecutive checks: this silo is no longer a member and exits with code {ExitCode} to be started again")]
    private static partial void LogLeaving(ILogger logger, string silo, int count, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership table unreadable ({ExceptionType}: {Reason}); nothing to decide")]
    private static partial void LogUnreadable(ILogger logger, string exceptionType, string reason);
}

/// <summary>Registration of <see cref="MembershipWatchdog"/>.</summary>
public static class MembershipWatchdogExtensions
{
    /// <summary>Runs <see cref="MembershipWatchdog"/> in the silo, with its options bound to <see cref="MembershipWatchdogOptions.SectionName"/>.</summary>
    public static ISiloBuilder AddMembershipWatchdog(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<MembershipWatchdogOptions>().BindConfiguration(MembershipWatchdogOptions.SectionName);
        silo.Services.AddHostedService<MembershipWatchdog>();
        return silo;
    }
}
