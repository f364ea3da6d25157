using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>A flood of readiness checks costs one storage read a second at most, and a failure is never kept.</summary>
public sealed class SharedReadinessProbeTests
{
    private readonly FakeTimeProvider _time = new();
    private int _probes;
    private TaskCompletionSource<HealthCheckResult> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task ChecksWhileAProbeRuns_ShareIt_AndAHealthyAnswerStandsForASecond()
    {
        var shared = new SharedReadinessProbe(ProbeAsync, _time);

        var checks = Enumerable.Range(0, 50).Select(_ => shared.CheckAsync()).ToList();
        _running.SetResult(HealthCheckResult.Healthy());
        await Task.WhenAll(checks);
        _time.Advance(SharedReadinessProbe.Reuse - TimeSpan.FromMilliseconds(1));
        var kept = await shared.CheckAsync();
        Assert.Equal(1, _probes);

        Renew();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var next = shared.CheckAsync();

        Assert.Equal(HealthStatus.Healthy, kept.Status);
        Assert.Equal(2, _probes);
        _running.SetResult(HealthCheckResult.Healthy());
        Assert.Equal(HealthStatus.Healthy, (await next).Status);
    }

    [Fact]
    public async Task AnUnhealthyAnswer_IsNotKept()
    {
        var shared = new SharedReadinessProbe(ProbeAsync, _time);
        _running.SetResult(HealthCheckResult.Unhealthy());
        Assert.Equal(HealthStatus.Unhealthy, (await shared.CheckAsync()).Status);

        Renew();
        var again = shared.CheckAsync();
        _running.SetResult(HealthCheckResult.Healthy());

        Assert.Equal(HealthStatus.Healthy, (await again).Status);
        Assert.Equal(2, _probes);
    }

    private Task<HealthCheckResult> ProbeAsync()
    {
        _probes++;
        return _running.Task;
    }

    private void Renew() => _running = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
}
