using Klarsicht.Core.Diagnosis.Findings;
using Klarsicht.Core.Diagnosis.Patterns;
using Klarsicht.Core.Diagnosis.Reporting;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis;

/// <summary>
/// The diagnosis engine: evidence in, one root cause out. Pure: it reads no clock, does no I/O and draws no
/// random numbers, so the same bundle always gives the same diagnosis.
/// </summary>
public sealed class DiagnosisEngine
{
    // Deep enough for app → api → database → node; cycles are cut by the visited set.
    private const int MaxCascadeDepth = 4;

    private readonly LogPatternLibrary? _patterns;

    public DiagnosisEngine(LogPatternLibrary patterns)
    {
        _patterns = patterns;
    }

    /// <summary>
    /// With the embedded library, loaded on first use rather than here: the service constructs its engine while
    /// the host starts, and compiling the patterns there would delay readiness by a tenth of a second.
    /// </summary>
    public DiagnosisEngine()
    {
    }

    private LogPatternLibrary Patterns => _patterns ?? LogPatternLibrary.Default;

    public Diagnosis Diagnose(EvidenceBundle bundle)
    {
        if (bundle.Subject is null)
        {
            return NotFound(bundle);
        }

        var verdict = Judge(bundle.Subject, 0, new HashSet<ObjectRef>());
        return Report.Build(bundle, verdict);
    }

    private SubjectVerdict Judge(SubjectEvidence subject, int depth, HashSet<ObjectRef> visited)
    {
        visited.Add(subject.Ref);
        var findings = new List<Finding>();
        findings.AddRange(RuntimeDetector.Detect(subject));
        findings.AddRange(LogDetector.Detect(subject, Patterns));
        findings.AddRange(MetricDetector.Detect(subject));

        var winner = Arbiter.Choose(subject, findings);
        var confidence = Arbiter.Confidence(winner, findings);
        var local = new SubjectVerdict(subject, winner, findings, confidence, CulpritOf(subject, winner), null, null);

        if (depth >= MaxCascadeDepth || !MayBeCascade(subject, winner))
        {
            // A host outside the cluster is the culprit even when the collectors found no reference to it in the spec.
            return winner.Category == Categories.DependencyUnavailable && subject.Dependencies.Count == 0 && Cascade.ExternalHost(subject, winner) is { } outside
                ? local with { Culprit = ObjectRef.External(outside) }
                : local;
        }

        var dependency = Cascade.FailingDependency(subject, winner);
        if (dependency is null)
        {
            return winner.Category == Categories.DependencyUnavailable && Cascade.ExternalHost(subject, winner) is { } external
                ? local with { Culprit = ObjectRef.External(external) }
                : local;
        }

        if (dependency.Backend is { } backend && !visited.Contains(backend.Ref))
        {
            var inner = Judge(backend, depth + 1, visited);
            if (inner.Winner.Category != Categories.Unknown)
            {
                return local with { Cause = inner, Via = dependency, Confidence = Math.Round(Math.Min(inner.Confidence, 0.97), 2) };
            }
        }

        var down = Cascade.Unavailable(dependency);
        return local with
        {
            Cause = new SubjectVerdict(dependency.Backend ?? Cascade.SubjectFor(dependency), down, [down], down.Strength, down.Culprit!, null, null),
            Via = dependency,
            Confidence = down.Strength,
        };
    }

    // The alerting subject's own failure is a symptom of a dependency when it could not reach one, or
    // when it shows nothing wrong of its own (a service-level alert on healthy pods).
    private static bool MayBeCascade(SubjectEvidence subject, Finding winner) =>
        subject.Dependencies.Count > 0 && winner.Category is Categories.DependencyUnavailable
            or Categories.NetworkFailure
            or Categories.ReadinessProbeFailure
            or Categories.AppCrash
            or Categories.Unknown;

    private static ObjectRef CulpritOf(SubjectEvidence subject, Finding winner) => winner.Culprit ?? subject.Culprit;

    private static Diagnosis NotFound(EvidenceBundle bundle)
    {
        var looked = bundle.Query.Describe();
        var summary = bundle.Query.HasKubernetesTarget
            ? $"Klarsicht could not find {looked}: it may have been deleted or replaced, or the alert's labels do not name it"
            : "The alert names no Kubernetes object (no namespace, pod, workload, service or node label), so there was nothing to investigate";
        var culprit = CulpritFromQuery(bundle);
        var evidence = new List<EvidenceItem> { new("pod", summary, bundle.ResolutionNote, bundle.Alert?.StartsAt) };
        evidence.AddRange(bundle.Gaps.Select(g => new EvidenceItem("pod", $"Not collected: {g}", null, null)));
        var rootCause = new RootCause(Categories.Unknown, summary + ".", Narrative.NotFoundDetail(bundle, summary), new Culprit(culprit.Kind, culprit.Namespace, culprit.Name), []);
        var timeline = bundle.Alert is { } alert ? new List<TimelineEntry> { new(alert.StartsAt, $"Alert {alert.Name} started firing") } : [];
        var steps = new List<FixStep>
        {
            new("Check whether the object still exists", bundle.Query.Namespace is { } ns ? $"kubectl get all -n {ns}" : "kubectl get pods -A"),
        };
        if (bundle.Query.WorkloadName is { } workload && bundle.Query.Namespace is { } wns)
        {
            steps.Add(new FixStep("Look at the workload's rollout history", $"kubectl rollout history {(bundle.Query.WorkloadKind ?? "deployment").ToLowerInvariant()}/{workload} -n {wns}"));
        }

        return new Diagnosis(
            null,
            rootCause,
            0.15,
            [],
            evidence,
            timeline,
            steps,
            Postmortem.Write(bundle, rootCause, 0.15, evidence, timeline, steps, null));
    }

    private static ObjectRef CulpritFromQuery(EvidenceBundle bundle)
    {
        var q = bundle.Query;
        if (q.WorkloadName is not null)
        {
            return new ObjectRef(q.WorkloadKind ?? "Deployment", q.Namespace, q.WorkloadName);
        }

        if (q.Pod is not null)
        {
            return new ObjectRef("Pod", q.Namespace, q.Pod);
        }

        if (q.Service is not null)
        {
            return new ObjectRef("Service", q.Namespace, q.Service);
        }

        if (q.Node is not null)
        {
            return ObjectRef.Node(q.Node);
        }

        return new ObjectRef("Namespace", null, q.Namespace ?? "unknown");
    }
}
