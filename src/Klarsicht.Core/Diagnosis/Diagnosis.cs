using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis;

/// <summary>The engine's answer: everything of an RCA that follows from the evidence.</summary>
public sealed record Diagnosis(
    RcaTarget? Target,
    RootCause RootCause,
    double Confidence,
    IReadOnlyList<Alternative> Alternatives,
    IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<FixStep> FixSteps,
    string Postmortem);

/// <summary>The diagnosis of one subject in a cascade, before it is turned into report text.</summary>
internal sealed record SubjectVerdict(
    SubjectEvidence Subject,
    Findings.Finding Winner,
    IReadOnlyList<Findings.Finding> Findings,
    double Confidence,
    ObjectRef Culprit,
    SubjectVerdict? Cause,
    DependencyEvidence? Via)
{
    /// <summary>The deepest verdict: the root of the cascade.</summary>
    public SubjectVerdict Root => Cause?.Root ?? this;

    public IEnumerable<SubjectVerdict> Hops()
    {
        for (var v = this; v is not null; v = v.Cause)
        {
            yield return v;
        }
    }
}
