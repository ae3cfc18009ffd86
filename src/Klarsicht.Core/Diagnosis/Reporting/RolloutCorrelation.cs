using System.Globalization;
using Klarsicht.Core.Diagnosis.Findings;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>A rollout that the failure follows: which revision, what it changed, and how to go back.</summary>
internal sealed record RolloutCorrelation(WorkloadFacts Workload, RolloutFacts Rollout, EvidenceItem Evidence)
{
    // Failures that begin within this long of a rollout are taken to follow from it.
    private static readonly TimeSpan Window = TimeSpan.FromHours(2);

    public int? RollbackRevision => Rollout.PreviousRevision;

    public string ChangeList => Rollout.Changes.Count == 0
        ? "no change to the pod template that Klarsicht compares"
        : string.Join("; ", Rollout.Changes.Take(6).Select(c => c.Describe()));

    public static RolloutCorrelation? Find(SubjectEvidence subject, Finding winner)
    {
        if (subject.Workload is not { Rollout: { CurrentRevision: not null, PreviousRevision: not null, RolledOutAt: { } at } rollout } workload)
        {
            return null;
        }

        // Node and scheduling problems are not caused by what a rollout changed in the pod template.
        if (winner.Category is Categories.NodePressure or Categories.Unknown)
        {
            return null;
        }

        var firstFailure = FirstFailure(subject);
        if (firstFailure is null || firstFailure < at.AddMinutes(-1) || firstFailure > at + Window)
        {
            return null;
        }

        var evidence = new EvidenceItem(
            "rollout",
            $"{workload.Ref.Kind} {workload.Ref.Name} rolled out revision {rollout.CurrentRevision} at {Cite.Time(at)}, {MinutesBefore(at, firstFailure.Value)} before the first failure; it changed: {(rollout.Changes.Count == 0 ? "nothing in the pod template" : string.Join("; ", rollout.Changes.Take(6).Select(c => c.Describe())))}",
            $"revision {rollout.PreviousRevision} → {rollout.CurrentRevision}{(rollout.ChangeCause is null ? string.Empty : $", change-cause: {rollout.ChangeCause}")}",
            at);
        return new RolloutCorrelation(workload, rollout, evidence);
    }

    private static string MinutesBefore(DateTimeOffset at, DateTimeOffset failure)
    {
        var minutes = (int)Math.Max(0, Math.Round((failure - at).TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes.ToString(CultureInfo.InvariantCulture)} minutes";
    }

    /// <summary>The earliest sign of trouble: a warning event, a termination, or a failing pod's creation.</summary>
    public static DateTimeOffset? FirstFailure(SubjectEvidence subject)
    {
        var times = new List<DateTimeOffset>();
        times.AddRange(subject.Events.Where(e => e.IsWarning && e.InvolvedKind is "Pod" or "PersistentVolumeClaim").Select(e => e.FirstSeen ?? e.LastSeen).OfType<DateTimeOffset>());
        if (subject.Focus?.LastTermination?.FinishedAt is { } finished)
        {
            times.Add(finished);
        }

        if (subject.Pod is { IsFailing: true, CreatedAt: { } created })
        {
            times.Add(created);
        }

        return times.Count == 0 ? null : times.Min();
    }
}
