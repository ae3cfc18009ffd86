using Klarsicht.Core.Diagnosis.Findings;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>Turns a verdict into the parts of an RCA a person reads.</summary>
internal static class Report
{
    private const int MaxEvidence = 24;

    public static Diagnosis Build(EvidenceBundle bundle, SubjectVerdict verdict)
    {
        var root = verdict.Root;
        var isCascade = verdict.Cause is not null;
        var culprit = isCascade ? root.Culprit : verdict.Culprit;
        var rollout = RolloutCorrelation.Find(root.Subject, root.Winner);

        var steps = FixSteps.For(root, culprit, rollout);
        var summary = Narrative.Summary(verdict, culprit, rollout, steps);
        var chain = isCascade
            ? verdict.Hops().Select(h => new ChainHop(HopRef(h).Kind, HopRef(h).Namespace, HopRef(h).Name, h.Winner.Category, Arbiter.Capitalise(h.Winner.Summary))).ToList()
            : new List<ChainHop>();

        var evidence = Evidence(bundle, verdict, rollout);
        var timeline = Timeline.Build(bundle, verdict, rollout);
        var confidence = verdict.Confidence;
        if (bundle.Gaps.Count > 0 && root.Winner.Category != Categories.Unknown)
        {
            // Missing evidence can hide a stronger cause; say so in the number.
            confidence = Math.Round(Math.Max(0.05, confidence - (0.02 * Math.Min(bundle.Gaps.Count, 5))), 2);
        }

        var alternatives = Arbiter.Alternatives(root.Winner, root.Findings, confidence);
        var rootCause = new RootCause(
            root.Winner.Category,
            summary,
            Narrative.Detail(bundle, verdict, culprit, rollout, evidence),
            new Culprit(culprit.Kind, culprit.Namespace, culprit.Name),
            chain);

        return new Diagnosis(
            Target(verdict.Subject),
            rootCause,
            confidence,
            alternatives,
            evidence,
            timeline,
            steps,
            Postmortem.Write(bundle, rootCause, confidence, evidence, timeline, steps, verdict));
    }

    /// <summary>The object a hop stands for: the culprit at the root, the workload or pod above it.</summary>
    private static ObjectRef HopRef(SubjectVerdict hop) => hop.Cause is null ? hop.Culprit : hop.Subject.Culprit;

    private static RcaTarget? Target(SubjectEvidence subject)
    {
        var workload = subject.Workload is { } w ? new WorkloadRef(w.Ref.Kind, w.Ref.Name) : null;
        if (subject.Pod is { } pod)
        {
            return new RcaTarget("Pod", pod.Namespace, pod.Name, subject.FocusContainer, workload);
        }

        return new RcaTarget(subject.Ref.Kind, subject.Ref.Namespace, subject.Ref.Name, null, workload);
    }

    private static List<EvidenceItem> Evidence(EvidenceBundle bundle, SubjectVerdict verdict, RolloutCorrelation? rollout)
    {
        var items = new List<EvidenceItem>();
        var root = verdict.Root;
        items.AddRange(root.Winner.Evidence);
        foreach (var agreeing in root.Findings.Where(f => !ReferenceEquals(f, root.Winner) && f.Category == root.Winner.Category))
        {
            items.AddRange(agreeing.Evidence);
        }

        // Each hop above the root: why the alerting object points at the dependency.
        foreach (var hop in verdict.Hops().Where(h => h.Cause is not null))
        {
            items.AddRange(hop.Winner.Evidence.Take(2));
            if (hop.Via is { } via)
            {
                items.Add(new EvidenceItem("dependency",
                    $"{HopRef(hop)} depends on {via.Reference.Host}{(via.Reference.Port is { } p ? $":{p}" : string.Empty)} ({via.Reference.Source})"
                    + (via.Service is { } s ? $", Service {s.Namespace}/{s.Name} with {s.ReadyEndpoints} ready and {s.NotReadyEndpoints} not-ready endpoints" : string.Empty),
                    via.BackingWorkload is { } w ? $"served by {w.Ref}" : null,
                    null));
            }
        }

        if (rollout is not null)
        {
            items.Add(rollout.Evidence);
        }

        items.AddRange(root.Subject.Metrics.Where(m => m.Kind is MetricKind.MemoryPeak or MetricKind.MemoryAtTermination or MetricKind.CpuThrottling or MetricKind.Restarts)
            .Select(Cite.Metric));
        if (root.Subject.Siblings is { Total: > 1 } siblings)
        {
            items.Add(new EvidenceItem("pod", $"{siblings.Failing} of {siblings.Total} pods of {root.Subject.Culprit} fail the same way", string.Join(", ", siblings.FailingNames), null));
        }

        foreach (var gap in bundle.Gaps)
        {
            items.Add(new EvidenceItem(GapSource(gap), $"Not collected: {gap}", null, null));
        }

        if (!bundle.MetricsConsulted)
        {
            items.Add(new EvidenceItem("metrics", "Metrics were not consulted: no Prometheus is configured (Klarsicht__Prometheus__Url)", null, null));
        }

        return items.Distinct().Take(MaxEvidence).ToList();
    }

    private static string GapSource(string gap)
    {
        var colon = gap.IndexOf(':', StringComparison.Ordinal);
        var source = colon > 0 ? gap[..colon] : "pod";
        return source is "pod" or "logs" or "events" or "metrics" or "rollout" or "node" or "dependency" ? source : "pod";
    }
}
