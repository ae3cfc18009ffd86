using Klarsicht.Core.Investigations;

namespace Klarsicht.Prometheus.Collection;

/// <summary>Stands in when no Prometheus URL is configured: the RCA then says metrics were not consulted.</summary>
public sealed class UnconfiguredMetricsCollector : IMetricsCollector
{
    public bool IsConfigured => false;

    public Task<MetricsResult> CollectAsync(IReadOnlyList<MetricSubject> subjects, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(MetricsResult.Empty);
}
