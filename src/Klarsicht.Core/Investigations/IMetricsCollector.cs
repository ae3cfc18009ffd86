using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Investigations;

/// <summary>A pod whose metrics an investigation wants, with the moments its containers were terminated.</summary>
public sealed record MetricSubject(
    string Namespace,
    string Pod,
    string? Container,
    string? Node,
    IReadOnlyList<DateTimeOffset> Terminations);

/// <summary>What a metrics collector found, and what it could not collect.</summary>
public sealed record MetricsResult(IReadOnlyList<MetricFact> Facts, IReadOnlyList<string> Gaps)
{
    public static MetricsResult Empty { get; } = new([], []);
}

/// <summary>
/// The seam a metrics backend plugs into. Failures are reported as gaps, never thrown: a Prometheus that is
/// down makes an RCA with less evidence, not a failed investigation.
/// </summary>
public interface IMetricsCollector
{
    /// <summary>False when no backend is configured; the RCA then says metrics were not consulted.</summary>
    bool IsConfigured { get; }

    Task<MetricsResult> CollectAsync(IReadOnlyList<MetricSubject> subjects, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
