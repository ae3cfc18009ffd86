using System.Globalization;
using System.Text;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>A blameless postmortem draft in markdown: impact, timeline, root cause, resolution, action items.</summary>
internal static class Postmortem
{
    public static string Write(
        EvidenceBundle bundle,
        RootCause rootCause,
        double confidence,
        IReadOnlyList<EvidenceItem> evidence,
        IReadOnlyList<TimelineEntry> timeline,
        IReadOnlyList<FixStep> steps,
        SubjectVerdict? verdict)
    {
        var md = new StringBuilder();
        var title = bundle.Alert is { } alert ? $"{alert.Name}: {rootCause.Culprit.Kind} {rootCause.Culprit.Name}" : $"{rootCause.Culprit.Kind} {rootCause.Culprit.Name}";
        md.AppendLine(CultureInfo.InvariantCulture, $"# Postmortem: {title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**Category:** `{rootCause.Category}` · **Confidence:** {confidence.ToString("0.00", CultureInfo.InvariantCulture)}");
        md.AppendLine();
        md.AppendLine("## Impact");
        md.AppendLine();
        foreach (var line in Impact(bundle, timeline, verdict))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        md.AppendLine();
        md.AppendLine("## Timeline (UTC)");
        md.AppendLine();
        foreach (var entry in timeline)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {Findings.Cite.Time(entry.At)} — {entry.Event}");
        }

        md.AppendLine();
        md.AppendLine("## Root cause");
        md.AppendLine();
        md.AppendLine(rootCause.Summary);
        if (rootCause.Chain.Count > 0)
        {
            md.AppendLine();
            foreach (var hop in rootCause.Chain)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {hop.Kind} {hop.Name}: `{hop.Category}` — {hop.Summary}");
            }
        }

        md.AppendLine();
        md.AppendLine("### Evidence");
        md.AppendLine();
        foreach (var item in evidence.Take(10))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {item.Source}: {item.Summary.Replace("\n", " ", StringComparison.Ordinal)}");
        }

        md.AppendLine();
        md.AppendLine("## Resolution");
        md.AppendLine();
        foreach (var step in steps)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"1. {step.Description}");
            if (step.Command is { } command)
            {
                md.AppendLine();
                md.AppendLine("   ```sh");
                md.AppendLine(CultureInfo.InvariantCulture, $"   {command}");
                md.AppendLine("   ```");
            }
        }

        md.AppendLine();
        md.AppendLine("## Action items");
        md.AppendLine();
        foreach (var item in ActionItems(rootCause.Category))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- [ ] {item}");
        }

        return md.ToString().TrimEnd() + "\n";
    }

    private static IEnumerable<string> Impact(EvidenceBundle bundle, IReadOnlyList<TimelineEntry> timeline, SubjectVerdict? verdict)
    {
        var subject = verdict?.Subject;
        if (subject?.Pod is { } pod)
        {
            yield return $"Pod {pod.Namespace}/{pod.Name}: {pod.TotalRestarts} container restarts, phase {pod.Phase}, {(pod.IsReady ? "Ready" : "not Ready")}.";
        }

        if (subject?.Siblings is { Total: > 0 } siblings)
        {
            yield return $"Replicas affected: {siblings.Failing} of {siblings.Total}.";
        }
        else if (subject?.Workload is { } workload)
        {
            yield return $"Replicas: {workload.ReadyReplicas ?? 0} ready of {workload.DesiredReplicas ?? 0} desired.";
        }

        if (timeline.Count > 0)
        {
            var start = timeline[0].At;
            var minutes = (bundle.CollectedAt - start).TotalMinutes;
            yield return $"Unavailable or degraded for about {Math.Max(0, Math.Round(minutes)).ToString(CultureInfo.InvariantCulture)} minutes before the investigation (from {Findings.Cite.Time(start)}).";
        }

        if (bundle.Alert is { } alert)
        {
            yield return $"Alert {alert.Name} fired at {Findings.Cite.Time(alert.StartsAt)}.";
        }
    }

    private static IEnumerable<string> ActionItems(string category) => category switch
    {
        Categories.OutOfMemory => ["Set memory limits from measured peaks plus headroom", "Alert on working set above 90 % of the limit"],
        Categories.MissingEnvVar or Categories.MissingConfigObject => ["Validate required configuration in CI (manifest lint or a dry-run against the cluster)", "Make the app report every missing setting at startup in one message"],
        Categories.ImagePullFailure => ["Gate rollouts on the image existing in the registry", "Keep pull secrets managed with the namespace"],
        Categories.DependencyUnavailable or Categories.NetworkFailure => ["Make the app retry with backoff instead of exiting when a dependency is down", "Alert on the dependency itself, not only on its consumers"],
        Categories.LivenessProbeFailure or Categories.ReadinessProbeFailure => ["Review probe paths, ports and timings against the app's real startup time", "Use startupProbe for slow starters"],
        Categories.CpuThrottling => ["Size CPU limits from measured usage, or run without a CPU limit", "Alert on CFS throttling above 25 %"],
        Categories.NodePressure => ["Alert on node conditions before pods are evicted", "Set requests so the scheduler sees real usage"],
        _ => ["Add a regression test or a check that would have caught this before rollout"],
    };
}
