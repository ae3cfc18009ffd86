using System.Diagnostics;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Investigations;

/// <summary>The result of one investigation: the evidence, the diagnosis and how long each half took.</summary>
public sealed record InvestigationOutcome(EvidenceBundle Evidence, Diagnosis.Diagnosis Diagnosis, Durations Durations);

/// <summary>
/// The orchestrator: resolves the alert's target, collects Kubernetes evidence (collectors run in parallel
/// inside), then metrics for every pod in the evidence tree, and hands the bundle to the engine.
/// </summary>
public sealed class Investigator(IClusterCollector cluster, IMetricsCollector metrics, DiagnosisEngine engine, TimeProvider time)
{
    /// <summary>How far before the alert's start evidence is read.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(30);

    public async Task<InvestigationOutcome> InvestigateAsync(ReceivedAlert? alert, TargetQuery query, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var since = (alert?.StartsAt is { } startsAt && startsAt < now ? startsAt : now) - Lookback;

        var target = await cluster.ResolveAsync(query, cancellationToken).ConfigureAwait(false);
        var clusterEvidence = await cluster.CollectAsync(target, since, cancellationToken).ConfigureAwait(false);
        var gaps = new List<string>(clusterEvidence.Gaps);
        var subject = clusterEvidence.Subject;

        if (subject is not null && metrics.IsConfigured)
        {
            var pods = Pods(subject).ToList();
            if (pods.Count > 0)
            {
                var result = await metrics.CollectAsync(pods, since, now, cancellationToken).ConfigureAwait(false);
                gaps.AddRange(result.Gaps);
                subject = Attach(subject, result.Facts);
            }
        }

        var bundle = new EvidenceBundle(alert, query, now, subject, gaps.Distinct().ToList(), metrics.IsConfigured, target.Note);
        var collected = time.GetTimestamp();
        var diagnosis = engine.Diagnose(bundle);
        var finished = time.GetTimestamp();
        var durations = new Durations(
            (long)time.GetElapsedTime(started, collected).TotalMilliseconds,
            (long)time.GetElapsedTime(collected, finished).TotalMilliseconds,
            (long)time.GetElapsedTime(started, finished).TotalMilliseconds);
        return new InvestigationOutcome(bundle, diagnosis, durations);
    }

    private static IEnumerable<MetricSubject> Pods(SubjectEvidence subject)
    {
        if (subject.Pod is { } pod)
        {
            yield return new MetricSubject(
                pod.Namespace,
                pod.Name,
                subject.FocusContainer,
                pod.NodeName,
                pod.AllContainers.Where(c => c.Name == subject.FocusContainer).Select(c => c.LastTermination?.FinishedAt).OfType<DateTimeOffset>().ToList());
        }

        foreach (var dependency in subject.Dependencies)
        {
            if (dependency.Backend is { } backend)
            {
                foreach (var inner in Pods(backend))
                {
                    yield return inner;
                }
            }
        }
    }

    private static SubjectEvidence Attach(SubjectEvidence subject, IReadOnlyList<MetricFact> facts)
    {
        var mine = subject.Pod is { } pod ? facts.Where(f => f.Pod == pod.Name && (f.Namespace is null || f.Namespace == pod.Namespace)).ToList() : [];
        return subject with
        {
            Metrics = mine,
            Dependencies = subject.Dependencies.Select(d => d.Backend is null ? d : d with { Backend = Attach(d.Backend, facts) }).ToList(),
        };
    }
}

/// <summary>Stand-in when no metrics backend is configured: the RCA says metrics were not consulted.</summary>
public sealed class NoMetricsCollector : IMetricsCollector
{
    public bool IsConfigured => false;

    public Task<MetricsResult> CollectAsync(IReadOnlyList<MetricSubject> subjects, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(MetricsResult.Empty);
}
