using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>What happened when: rollout, first failure, each termination, the alert.</summary>
internal static class Timeline
{
    private const int MaxEntries = 30;

    public static IReadOnlyList<TimelineEntry> Build(EvidenceBundle bundle, SubjectVerdict verdict, RolloutCorrelation? rollout)
    {
        var entries = new List<TimelineEntry>();
        if (rollout?.Rollout.RolledOutAt is { } rolledOut)
        {
            entries.Add(new TimelineEntry(rolledOut, $"{rollout.Workload.Ref.Kind} {rollout.Workload.Ref.Name} revision {rollout.Rollout.CurrentRevision} rolled out"));
        }

        foreach (var hop in verdict.Hops())
        {
            Add(entries, hop.Subject);
        }

        if (bundle.Alert is { } alert)
        {
            entries.Add(new TimelineEntry(alert.StartsAt, $"Alert {alert.Name} started firing"));
        }

        return entries
            .GroupBy(e => (e.At, e.Event))
            .Select(g => g.First())
            .OrderBy(e => e.At)
            .ThenBy(e => e.Event, StringComparer.Ordinal)
            .TakeLast(MaxEntries)
            .ToList();
    }

    private static void Add(List<TimelineEntry> entries, SubjectEvidence subject)
    {
        if (subject.Pod is { } pod)
        {
            if (pod.CreatedAt is { } created)
            {
                entries.Add(new TimelineEntry(created, $"Pod {pod.Name} created"));
            }

            foreach (var c in pod.AllContainers)
            {
                if (c.LastTermination is { FinishedAt: { } finished } t)
                {
                    entries.Add(new TimelineEntry(finished, $"Container {c.Name} terminated: exit code {t.ExitCode}, reason {t.Reason ?? "none"} (restart {c.RestartCount})"));
                }
            }
        }

        foreach (var e in subject.Events.Where(e => e.IsWarning || e.Reason is "Killing" or "ScalingReplicaSet" or "NodeNotReady" or "Evicted"))
        {
            if (e.FirstSeen is { } first)
            {
                entries.Add(new TimelineEntry(first, $"First {e.Reason} on {e.InvolvedKind.ToLowerInvariant()}/{e.InvolvedName}: {Findings.Cite.Trim(e.Message, 160)}"));
            }

            if (e.LastSeen is { } last && e.Count > 1 && last != e.FirstSeen)
            {
                entries.Add(new TimelineEntry(last, $"Last {e.Reason} on {e.InvolvedKind.ToLowerInvariant()}/{e.InvolvedName} (×{e.Count})"));
            }
        }

        foreach (var condition in subject.Node?.Conditions.Where(c => c.LastTransition is not null && (c.Type == "Ready" ? c.Status != "True" : c.Status == "True")) ?? [])
        {
            entries.Add(new TimelineEntry(condition.LastTransition!.Value, $"Node {subject.Node!.Name} {condition.Type} became {condition.Status}"));
        }
    }
}
