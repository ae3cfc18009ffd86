using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Api;

namespace Klarsicht.Prometheus.Collection;

/// <summary>The queries about one pod, started together, and the facts read from their answers.</summary>
internal sealed class PodMetrics
{
    /// <summary>At most this many terminations get their own "memory at termination" query, the latest first.</summary>
    public const int MaxTerminations = 5;

    /// <summary>How far before a termination its working set is read: two scrapes at the usual 30 s interval.</summary>
    public static readonly TimeSpan TerminationLookBack = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A peak is told as "n s before the OOMKill" only when the termination follows within this time; a peak long
    /// before belongs to an earlier instance of the container, whose end the subject may not list.
    /// </summary>
    public static readonly TimeSpan PeakToTermination = TimeSpan.FromMinutes(5);

    private readonly MetricSubject _subject;
    private readonly QueryWindow _window;
    private readonly Query _workingSet;
    private readonly Query _memoryLimit;
    private readonly Query _cpuUsage;
    private readonly Query _cpuLimit;
    private readonly Query _throttling;
    private readonly Query _restarts;
    private readonly Query _reason;
    private readonly Query _exitCode;
    private readonly List<(DateTimeOffset At, Query Query)> _terminations;

    private PodMetrics(QueryBatch batch, MetricSubject subject, QueryWindow window, string suffix)
    {
        _subject = subject;
        _window = window;
        var (ns, pod) = (subject.Namespace, subject.Pod);
        _workingSet = Query.Range(batch, "memory working set" + suffix, PromQl.MemoryWorkingSet(ns, pod, window.Step), window);
        _memoryLimit = Query.Instant(batch, "memory limit" + suffix, PromQl.MemoryLimit(ns, pod, window.Range), window.To);
        _cpuUsage = Query.Range(batch, "CPU usage" + suffix, PromQl.CpuUsage(ns, pod, window.RateRange), window);
        _cpuLimit = Query.Instant(batch, "CPU limit" + suffix, PromQl.CpuLimit(ns, pod, window.Range), window.To);
        _throttling = Query.Range(batch, "CPU throttling" + suffix, PromQl.CpuThrottling(ns, pod, window.RateRange), window);
        _restarts = Query.Instant(batch, "restarts" + suffix, PromQl.Restarts(ns, pod, window.Range), window.To);
        _reason = Query.Range(batch, "last terminated reason" + suffix, PromQl.LastTerminatedReason(ns, pod), window);
        _exitCode = Query.Instant(batch, "last exit code" + suffix, PromQl.LastExitCode(ns, pod, window.Range), window.To);
        var before = PromQl.MemoryBefore(ns, pod, TerminationLookBack);
        _terminations = subject.Terminations
            .Where(t => t > window.From && t <= window.To + TerminationLookBack)
            .Distinct()
            .OrderDescending()
            .Take(MaxTerminations)
            .Select(t => (t, Query.Instant(batch, $"memory before the termination at {Phrases.Time(t)}{suffix}", before, t)))
            .ToList();
    }

    public static PodMetrics Start(QueryBatch batch, MetricSubject subject, QueryWindow window, bool several) =>
        new(batch, subject, window, several ? $" of {subject.Namespace}/{subject.Pod}" : "");

    public Task Completion => Task.WhenAll(new[] { _workingSet, _memoryLimit, _cpuUsage, _cpuLimit, _throttling, _restarts, _reason, _exitCode }
        .Concat(_terminations.Select(t => t.Query)).Select(q => q.Answer));

    public IEnumerable<MetricFact> Facts()
    {
        var reasons = LastReasons();
        var exitCodes = Series.ValueBy("container", _exitCode.Found);
        var memoryLimits = Series.ValueBy("container", _memoryLimit.Found);
        var cpuLimits = Series.ValueBy("container", _cpuLimit.Found);

        foreach (var (container, samples) in Series.By("container", _workingSet.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var peak = Series.Peak(samples);
            var limit = Limit(memoryLimits, container);
            var kill = reasons.TryGetValue(container, out var r) && r.Reason == "OOMKilled" ? "OOMKill" : "termination";
            var next = TerminationsOf(container).Where(t => t >= peak.Time - _window.Step && t - peak.Time <= PeakToTermination)
                .Order().Cast<DateTimeOffset?>().FirstOrDefault();
            var when = next is { } t2
                ? t2 > peak.Time ? $", {Phrases.Span(t2 - peak.Time)} before the {kill} at {Phrases.Time(t2)}" : $", right before the {kill} at {Phrases.Time(t2)}"
                : $" at {Phrases.Time(peak.Time)}";
            yield return Fact(MetricKind.MemoryPeak, container, peak.Value, limit, peak.Time, _workingSet.PromQl,
                $"Working set of container {container} peaked at {Phrases.Bytes(peak.Value)}{OfLimit(peak.Value, limit, Phrases.Bytes, "memory")}{when}");
        }

        foreach (var (at, query) in _terminations.OrderBy(t => t.At))
        {
            foreach (var (container, value) in Series.ValueBy("container", query.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (!TerminationsOf(container).Contains(at))
                {
                    continue;
                }

                var limit = Limit(memoryLimits, container);
                var kill = reasons.TryGetValue(container, out var r) && r.Reason == "OOMKilled" ? "OOMKill" : "termination";
                yield return Fact(MetricKind.MemoryAtTermination, container, value, limit, at, query.PromQl,
                    $"Working set of container {container} was {Phrases.Bytes(value)}{OfLimit(value, limit, Phrases.Bytes, "memory")}, in the minute before the {kill} at {Phrases.Time(at)}");
            }
        }

        var rate = QueryWindow.Duration(_window.RateRange);
        foreach (var (container, samples) in Series.By("container", _cpuUsage.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var peak = Series.Peak(samples);
            var limit = Limit(cpuLimits, container);
            yield return Fact(MetricKind.CpuUsage, container, peak.Value, limit, peak.Time, _cpuUsage.PromQl,
                $"CPU usage of container {container} peaked at {Phrases.Cores(peak.Value)}{OfLimit(peak.Value, limit, Phrases.Cores, "CPU")}, at {Phrases.Time(peak.Time)} ({rate} rate)");
        }

        foreach (var (container, samples) in Series.By("container", _throttling.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var worst = Series.Peak(samples);
            var ratio = Math.Clamp(worst.Value, 0, 1);
            var limit = Limit(cpuLimits, container);
            var throttled = TimeSpan.FromSeconds(samples.Count(s => s.Value >= 0.5) * _window.Step.TotalSeconds);
            var under = limit is { } l ? $" under its {Phrases.Cores(l)} CPU limit" : "";
            var duration = throttled > TimeSpan.Zero ? $"; at least half of its periods were throttled for about {Phrases.Span(throttled)} of the window" : "";
            yield return Fact(MetricKind.CpuThrottling, container, ratio, limit, worst.Time, _throttling.PromQl,
                $"Container {container} was CPU-throttled{under} in up to {Phrases.Percent(ratio)} of its CFS periods (worst {Phrases.Span(_window.RateRange)} ending {Phrases.Time(worst.Time)}){duration}");
        }

        foreach (var (container, value) in Series.ValueBy("container", _restarts.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var count = (int)Math.Round(value);
            if (count > 0)
            {
                yield return Fact(MetricKind.Restarts, container, count, null, _window.To, _restarts.PromQl,
                    $"Container {container} restarted {Phrases.Times(count)} between {Phrases.Time(_window.From)} and {Phrases.Time(_window.To)}");
            }
        }

        foreach (var (container, (reason, first, _)) in reasons.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var exit = exitCodes.TryGetValue(container, out var code) ? $" (exit code {code:0})" : "";
            yield return Fact(MetricKind.LastTerminatedReason, container, 1, null, first, _reason.PromQl,
                $"kube-state-metrics reports the last termination of container {container} as {reason}{exit}, since {Phrases.Time(first)}");
        }
    }

    /// <summary>Per container, the reason seen last in the window and when that reason was first seen.</summary>
    private Dictionary<string, (string Reason, DateTimeOffset First, DateTimeOffset Last)> LastReasons()
    {
        var latest = new Dictionary<string, (string Reason, DateTimeOffset First, DateTimeOffset Last)>(StringComparer.Ordinal);
        foreach (var series in _reason.Found ?? [])
        {
            var samples = series.Samples.Where(s => s.Value == 1).ToList();
            if (samples.Count == 0)
            {
                continue;
            }

            var container = series.Label("container");
            var candidate = (series.Label("reason"), samples.Min(s => s.Time), samples.Max(s => s.Time));
            if (!latest.TryGetValue(container, out var known) || candidate.Item3 > known.Last)
            {
                latest[container] = candidate;
            }
        }

        return latest;
    }

    private IEnumerable<DateTimeOffset> TerminationsOf(string container) =>
        _subject.Container is null || _subject.Container == container ? _terminations.Select(t => t.At) : [];

    private static double? Limit(Dictionary<string, double> limits, string container) =>
        limits.TryGetValue(container, out var limit) && limit > 0 ? limit : null;

    private static string OfLimit(double value, double? limit, Func<double, string> format, string resource) =>
        limit is { } l ? $", {Phrases.Percent(value / l)} of its {format(l)} limit" : $" (no {resource} limit found)";

    private MetricFact Fact(MetricKind kind, string container, double value, double? limit, DateTimeOffset? at, string query, string summary) =>
        new(kind, _subject.Namespace, _subject.Pod, container, value, limit, at, query, summary);
}
