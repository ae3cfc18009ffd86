using System.Diagnostics;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Collection;
using Xunit.Abstractions;

namespace Klarsicht.Prometheus.Tests;

/// <summary>The collector against a real Prometheus backfilled with scenario series.</summary>
public sealed class RealPrometheusTests(PrometheusFixture fixture, ITestOutputHelper output) : IClassFixture<PrometheusFixture>, IDisposable
{
    private const double Mi = 1024 * 1024;

    private static readonly DateTimeOffset UnitNow = DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset FirstKill = DateTimeOffset.Parse("2026-03-01T11:39:50Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset SecondKill = DateTimeOffset.Parse("2026-03-01T11:54:50Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset PublicNow = DateTimeOffset.Parse("2026-01-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly Collectors _collectors = Collectors.For(fixture.Server.BaseUrl);

    public void Dispose() => _collectors.Dispose();

    [Fact]
    public async Task OomScenario_ReportsPeakNearTheLimit_BeforeTheOomKill()
    {
        var result = await CollectOomAsync();

        Assert.Empty(result.Gaps);
        var peak = Assert.Single(result.Facts, f => f.Kind == MetricKind.MemoryPeak);
        Assert.Equal("api", peak.Container);
        Assert.Equal(510 * Mi, peak.Value, 0);
        Assert.Equal(512 * Mi, peak.Limit);
        Assert.True(peak.Value / peak.Limit!.Value >= 0.95);
        Assert.True(peak.At <= SecondKill && peak.At > SecondKill.AddMinutes(-2), $"peak at {peak.At}");
        Assert.Contains("512Mi limit", peak.Summary, StringComparison.Ordinal);
        Assert.Contains("before the OOMKill at 11:54:50Z", peak.Summary, StringComparison.Ordinal);
        Assert.Equal(PromQl.MemoryWorkingSet("unit-oom", "api-5c9d7f-abcde", TimeSpan.FromSeconds(15)), peak.Query);
        output.WriteLine(peak.Summary);
    }

    [Fact]
    public async Task OomScenario_ReportsTheWorkingSetInTheMinuteBeforeEachTermination()
    {
        var result = await CollectOomAsync();

        var atKill = result.Facts.Where(f => f.Kind == MetricKind.MemoryAtTermination).OrderBy(f => f.At).ToList();
        Assert.Equal([FirstKill, SecondKill], atKill.Select(f => f.At!.Value));
        Assert.All(atKill, f => Assert.True(f.Value / f.Limit!.Value >= 0.95, f.Summary));
        Assert.Contains("in the minute before the OOMKill at 11:39:50Z", atKill[0].Summary, StringComparison.Ordinal);
        Assert.Contains("[60s]", atKill[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OomScenario_CountsRestartsAndReadsTheLastTerminatedReason()
    {
        var result = await CollectOomAsync();

        var restarts = Assert.Single(result.Facts, f => f.Kind == MetricKind.Restarts);
        Assert.Equal(2, restarts.Value);
        Assert.Contains("restarted twice", restarts.Summary, StringComparison.Ordinal);
        var reason = Assert.Single(result.Facts, f => f.Kind == MetricKind.LastTerminatedReason);
        Assert.Equal("api", reason.Container);
        Assert.Contains("OOMKilled (exit code 137)", reason.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OomScenario_IgnoresThePodCgroupAndThePauseContainer()
    {
        var result = await CollectOomAsync();

        Assert.DoesNotContain(result.Facts, f => f.Container is "" or "POD");
        Assert.All(result.Facts.Where(f => f.Kind == MetricKind.MemoryPeak), f => Assert.True(f.Value < 512 * Mi));
    }

    [Fact]
    public async Task OomScenario_NamesNeighboursOomKilledInTheWindow_NotOldOnes()
    {
        var result = await CollectOomAsync();

        var neighbours = Assert.Single(result.Facts, f => f.Kind == MetricKind.NodeOomKills);
        Assert.Equal(1, neighbours.Value);
        Assert.Contains("unit-oom/report-worker-7f8g9-zzzzz (worker)", neighbours.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("batch-old", neighbours.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("api-5c9d7f-abcde", neighbours.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Facts, f => f.Kind == MetricKind.NodeCondition);
    }

    [Fact]
    public async Task CpuScenario_ReportsUsageNearTheLimitAndHeavyThrottling()
    {
        var result = await _collectors.Collector.CollectAsync(
            [new MetricSubject("unit-cpu", "scorer-6b7c8d-fghij", "scorer", "unit-node-b", [])], UnitNow.AddMinutes(-30), UnitNow, default);

        Assert.Empty(result.Gaps);
        var usage = Assert.Single(result.Facts, f => f.Kind == MetricKind.CpuUsage && f.Container == "scorer");
        Assert.Equal(0.095, usage.Value, 3);
        Assert.Equal(0.1, usage.Limit!.Value, 6);
        Assert.Contains("of its 100m limit", usage.Summary, StringComparison.Ordinal);
        var throttling = Assert.Single(result.Facts, f => f.Kind == MetricKind.CpuThrottling && f.Container == "scorer");
        Assert.InRange(throttling.Value, 0.9, 1.0);
        Assert.Contains("CPU-throttled under its 100m CPU limit in up to 94 % of its CFS periods", throttling.Summary, StringComparison.Ordinal);
        var sidecar = Assert.Single(result.Facts, f => f.Kind == MetricKind.CpuThrottling && f.Container == "sidecar");
        Assert.True(sidecar.Value < 0.05);
        Assert.DoesNotContain(result.Facts, f => f.Container is "" or "POD");
        output.WriteLine(usage.Summary);
        output.WriteLine(throttling.Summary);
    }

    [Fact]
    public async Task NodeScenario_ReportsDiskPressureAndNotReady()
    {
        var result = await _collectors.Collector.CollectAsync(
            [new MetricSubject("unit-disk", "cache-0", "redis", "unit-node-c", [])], UnitNow.AddMinutes(-30), UnitNow, default);

        Assert.Empty(result.Gaps);
        var conditions = result.Facts.Where(f => f.Kind == MetricKind.NodeCondition).ToDictionary(f => f.Container!);
        Assert.Equal(["DiskPressure", "Ready"], conditions.Keys.Order());
        Assert.Equal(1, conditions["DiskPressure"].Value);
        Assert.Equal(UnitNow.AddMinutes(-15), conditions["DiskPressure"].At);
        Assert.Contains("Node unit-node-c reported DiskPressure from 11:45:00Z", conditions["DiskPressure"].Summary, StringComparison.Ordinal);
        Assert.Equal(0, conditions["Ready"].Value);
        Assert.Contains("was not Ready", conditions["Ready"].Summary, StringComparison.Ordinal);
        var peak = Assert.Single(result.Facts, f => f.Kind == MetricKind.MemoryPeak);
        Assert.Null(peak.Limit);
        Assert.Contains("no memory limit found", peak.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralSubjects_AreCollectedTogether_WithOneQueryPerNode()
    {
        var result = await _collectors.Collector.CollectAsync(
        [
            new MetricSubject("unit-oom", "api-5c9d7f-abcde", "api", "unit-node-a", [FirstKill, SecondKill]),
            new MetricSubject("unit-cpu", "scorer-6b7c8d-fghij", null, "unit-node-b", []),
        ], UnitNow.AddMinutes(-35), UnitNow, default);

        Assert.Empty(result.Gaps);
        Assert.Contains(result.Facts, f => f.Kind == MetricKind.MemoryPeak && f.Pod == "api-5c9d7f-abcde");
        Assert.Contains(result.Facts, f => f.Kind == MetricKind.CpuThrottling && f.Pod == "scorer-6b7c8d-fghij");
    }

    [Fact]
    public async Task LongWindow_StaysUnderThePointLimitOfARealPrometheus()
    {
        var result = await _collectors.Collector.CollectAsync(
            [new MetricSubject("unit-oom", "api-5c9d7f-abcde", "api", "unit-node-a", [SecondKill])], UnitNow.AddDays(-120), UnitNow, default);

        Assert.Empty(result.Gaps);
        var peak = Assert.Single(result.Facts, f => f.Kind == MetricKind.MemoryPeak);
        Assert.Equal(510 * Mi, peak.Value, 0);
        Assert.Contains("[1037s]", peak.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collection_AgainstALocalPrometheus_TakesTensOfMilliseconds()
    {
        // Measured and printed, not asserted: wall-clock limits make flaky tests.
        var subject = new MetricSubject("unit-oom", "api-5c9d7f-abcde", "api", "unit-node-a", [FirstKill, SecondKill]);
        var timings = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = await _collectors.Collector.CollectAsync([subject], UnitNow.AddMinutes(-35), UnitNow, default);
            timings.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Empty(result.Gaps);
        }

        output.WriteLine($"one subject, 12 queries: first {timings[0]:0.0} ms, median {timings.Order().ElementAt(timings.Count / 2):0.0} ms, min {timings.Min():0.0} ms");
    }

    [PublicCorpusFact]
    public async Task PublicOomJavaHeap_ShowsTheWorkingSetAtTheLimit()
    {
        var subject = new MetricSubject("stock-9cd66", "inventory-sync-7g279lfh-c85sk", "app", "worker-9cd66-1",
            [DateTimeOffset.Parse("2026-01-01T11:56:16Z", System.Globalization.CultureInfo.InvariantCulture)]);
        var result = await _collectors.Collector.CollectAsync([subject], PublicNow.AddMinutes(-40), PublicNow, default);

        Assert.Empty(result.Gaps);
        var peak = Assert.Single(result.Facts, f => f.Kind == MetricKind.MemoryPeak);
        Assert.Equal(529113283, peak.Value);
        Assert.Equal(536870912, peak.Limit);
        Assert.True(peak.Value / peak.Limit!.Value >= 0.95);
        Assert.Contains("98 % of its 512Mi limit", peak.Summary, StringComparison.Ordinal);
        // The peak came from an earlier instance, 22 minutes before the one termination the subject lists.
        Assert.DoesNotContain("before the OOMKill", peak.Summary, StringComparison.Ordinal);
        var atKill = Assert.Single(result.Facts, f => f.Kind == MetricKind.MemoryAtTermination);
        Assert.Equal(438578010, atKill.Value);
        Assert.Equal(8, Assert.Single(result.Facts, f => f.Kind == MetricKind.Restarts).Value);
        Assert.Contains("OOMKilled (exit code 137)", Assert.Single(result.Facts, f => f.Kind == MetricKind.LastTerminatedReason).Summary, StringComparison.Ordinal);
        Assert.Contains(result.Facts, f => f.Kind == MetricKind.CpuUsage && f.Limit == 1);
        Assert.DoesNotContain(result.Facts, f => f.Kind is MetricKind.NodeCondition or MetricKind.NodeOomKills);
        foreach (var fact in result.Facts)
        {
            output.WriteLine($"{fact.Kind}: {fact.Summary}");
        }
    }

    [PublicCorpusFact]
    public async Task PublicCpuThrottlingSlowStart_ShowsHeavyThrottlingUnderA250mLimit()
    {
        var subject = new MetricSubject("quotes-31ecc", "quote-service-kk4qcpc2rt-vlp5h", "app", "worker-31ecc-1",
            [DateTimeOffset.Parse("2026-01-01T11:53:52Z", System.Globalization.CultureInfo.InvariantCulture)]);
        var result = await _collectors.Collector.CollectAsync([subject], PublicNow.AddMinutes(-40), PublicNow, default);

        Assert.Empty(result.Gaps);
        var throttling = Assert.Single(result.Facts, f => f.Kind == MetricKind.CpuThrottling);
        Assert.InRange(throttling.Value, 0.9, 1.0);
        Assert.Equal(0.25, throttling.Limit);
        Assert.Contains("250m", throttling.Summary, StringComparison.Ordinal);
        var usage = Assert.Single(result.Facts, f => f.Kind == MetricKind.CpuUsage);
        Assert.Equal(0.25, usage.Limit);
        Assert.True(usage.Value / usage.Limit!.Value >= 0.9, usage.Summary);
        Assert.Contains("Error (exit code 143)", Assert.Single(result.Facts, f => f.Kind == MetricKind.LastTerminatedReason).Summary, StringComparison.Ordinal);
        foreach (var fact in result.Facts)
        {
            output.WriteLine($"{fact.Kind}: {fact.Summary}");
        }
    }

    private Task<MetricsResult> CollectOomAsync() =>
        _collectors.Collector.CollectAsync(
            [new MetricSubject("unit-oom", "api-5c9d7f-abcde", "api", "unit-node-a", [FirstKill, SecondKill])], UnitNow.AddMinutes(-35), UnitNow, default);
}
