using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Api;
using Klarsicht.Prometheus.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Klarsicht.Prometheus.Collection;

/// <summary>
/// Reads memory, CPU, throttling, restarts and node health around an incident from a Prometheus-compatible API.
/// All queries of a collection run at once, bounded by <see cref="PrometheusOptions.MaxConcurrentQueries"/> across
/// collections, each with its own <see cref="PrometheusOptions.QueryTimeout"/>. Failures become gaps.
/// </summary>
public sealed partial class PrometheusMetricsCollector(
    IPrometheusApi api,
    IOptions<PrometheusOptions> options,
    ILogger<PrometheusMetricsCollector> logger) : IMetricsCollector, IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentQueries, options.Value.MaxConcurrentQueries);

    public bool IsConfigured => true;

    public async Task<MetricsResult> CollectAsync(IReadOnlyList<MetricSubject> subjects, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (subjects.Count == 0)
        {
            return MetricsResult.Empty;
        }

        if (to <= from)
        {
            return new MetricsResult([], [$"metrics: nothing to query, the window ends ({Phrases.Time(to)}) before it starts ({Phrases.Time(from)})"]);
        }

        var started = TimeProvider.System.GetTimestamp();
        var window = new QueryWindow(from, to);
        var batch = new QueryBatch(api, options.Value, _slots, logger, cancellationToken);
        var pods = subjects.Select(s => (Subject: s, Metrics: PodMetrics.Start(batch, s, window, subjects.Count > 1))).ToList();
        var nodes = subjects.Select(s => s.Node).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal)
            .ToDictionary(n => n, n => NodeMetrics.Start(batch, n, window), StringComparer.Ordinal);

        await Task.WhenAll(pods.Select(p => p.Metrics.Completion).Concat(nodes.Values.Select(n => n.Completion))).ConfigureAwait(false);

        var facts = new List<MetricFact>();
        foreach (var (subject, metrics) in pods)
        {
            facts.AddRange(metrics.Facts());
            if (subject.Node is { Length: > 0 } node)
            {
                var onNode = subjects.Where(s => s.Node == node).Select(s => (s.Namespace, s.Pod)).ToHashSet();
                facts.AddRange(nodes[node].Facts(subject, onNode));
            }
        }

        var gaps = batch.Gaps;
        LogCollected(logger, subjects.Count, batch.Queries, facts.Count, gaps.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return new MetricsResult(facts, gaps);
    }

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prometheus: {Subjects} subject(s), {Queries} queries, {Facts} facts, {Gaps} gaps in {Elapsed:0.0} ms")]
    private static partial void LogCollected(ILogger logger, int subjects, int queries, int facts, int gaps, double elapsed);
}
