using System.Globalization;
using System.Text;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>The summary sentence and the markdown detail of an RCA.</summary>
internal static class Narrative
{
    public static string Summary(SubjectVerdict verdict, ObjectRef culprit, RolloutCorrelation? rollout, IReadOnlyList<FixStep> steps)
    {
        var root = verdict.Root;
        var text = new StringBuilder();
        if (verdict.Cause is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Label(verdict.Subject.Culprit)} fails because its dependency {Label(culprit)} is down: {root.Winner.Summary}.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{Label(culprit)}: {root.Winner.Summary}.");
        }

        if (rollout is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" It began after revision {rollout.Rollout.CurrentRevision} ({rollout.ChangeList}).");
        }

        if (root.Winner.Category != Categories.Unknown && steps.FirstOrDefault() is { } first)
        {
            text.Append(CultureInfo.InvariantCulture, $" Fix: {LowerFirst(first.Description)}.");
        }

        return Arbiter.Capitalise(text.ToString());
    }

    public static string Detail(EvidenceBundle bundle, SubjectVerdict verdict, ObjectRef culprit, RolloutCorrelation? rollout, IReadOnlyList<EvidenceItem> evidence)
    {
        var root = verdict.Root;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Root cause: `{root.Winner.Category}`");
        md.AppendLine();
        md.AppendLine(Arbiter.Capitalise(root.Winner.Summary) + ".");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**Culprit:** {Label(culprit)} (the object that has to change). {Explain(root.Winner.Category)}");
        md.AppendLine();
        if (verdict.Cause is not null)
        {
            md.AppendLine("### Cascade");
            md.AppendLine();
            var i = 1;
            foreach (var hop in verdict.Hops())
            {
                var who = hop.Cause is null ? hop.Culprit : hop.Subject.Culprit;
                md.AppendLine(CultureInfo.InvariantCulture, $"{i++}. {Label(who)} — `{hop.Winner.Category}`: {hop.Winner.Summary}");
            }

            md.AppendLine();
        }

        md.AppendLine("### Evidence");
        md.AppendLine();
        foreach (var item in evidence)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{item.Source}**: {Escape(item.Summary)}");
        }

        md.AppendLine();
        if (rollout is not null)
        {
            md.AppendLine("### Rollout");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Revision {rollout.Rollout.CurrentRevision} of {Label(rollout.Workload.Ref)} rolled out at {Findings.Cite.Time(rollout.Rollout.RolledOutAt)} and the failures began after it. Changes against revision {rollout.Rollout.PreviousRevision}:");
            md.AppendLine();
            foreach (var change in rollout.Rollout.Changes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {change.Describe()}");
            }

            md.AppendLine();
        }

        if (root.Findings.Where(f => f.Category != root.Winner.Category).Select(f => f.Category).Distinct().ToList() is { Count: > 0 } others)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Other signals weighed and ranked lower by the taxonomy's precedence: {string.Join(", ", others.Select(o => $"`{o}`"))}.");
            md.AppendLine();
        }

        if (!bundle.MetricsConsulted)
        {
            md.AppendLine("Metrics were not consulted: no Prometheus is configured.");
        }

        return md.ToString().TrimEnd();
    }

    public static string NotFoundDetail(EvidenceBundle bundle, string summary)
    {
        var md = new StringBuilder();
        md.AppendLine("### Root cause: `unknown`");
        md.AppendLine();
        md.AppendLine(summary + ".");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Looked for: {bundle.Query.Describe()}.");
        if (bundle.ResolutionNote is { } note)
        {
            md.AppendLine();
            md.AppendLine(note);
        }

        foreach (var gap in bundle.Gaps)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Not collected: {gap}");
        }

        return md.ToString().TrimEnd();
    }

    public static string Label(ObjectRef o) => o.Kind switch
    {
        "External" => $"external host {o.Name}",
        "Node" => $"Node {o.Name}",
        _ => o.Namespace is null ? $"{o.Kind} {o.Name}" : $"{o.Kind} {o.Namespace}/{o.Name}",
    };

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private static string Escape(string text) => text.Replace("\n", " ", StringComparison.Ordinal);

    private static string Explain(string category) => category switch
    {
        Categories.MissingEnvVar => "The app needs an environment variable that the pod spec does not set.",
        Categories.MissingConfigObject => "A ConfigMap, Secret or key the pod references does not exist.",
        Categories.InvalidConfig => "A configuration file or value exists but is rejected.",
        Categories.FileNotFound => "The app expects a file or directory that is not in the container.",
        Categories.DependencyUnavailable => "A service the app needs refuses, times out or has no ready endpoints.",
        Categories.DependencyAuthFailure => "The dependency is up but rejects the app's credentials or certificate.",
        Categories.SchemaMismatch => "The data or protocol the app meets is not the version it expects.",
        Categories.NetworkFailure => "The network path itself fails: name resolution, routing or policy.",
        Categories.OutOfMemory => "The container or its runtime ran out of memory.",
        Categories.ResourceExhaustion => "A non-memory resource ran out.",
        Categories.CpuThrottling => "A too-small CPU limit makes the app too slow to start or answer.",
        Categories.NodePressure => "The node, not the pod, is the problem.",
        Categories.Unschedulable => "The pod cannot be placed on any node.",
        Categories.VolumeFailure => "A volume cannot be provisioned, attached or mounted.",
        Categories.LivenessProbeFailure => "The kubelet kills the container because its liveness probe fails.",
        Categories.ReadinessProbeFailure => "The container runs but never becomes Ready.",
        Categories.ImagePullFailure => "The image cannot be pulled.",
        Categories.InvalidCommand => "The command or entrypoint cannot run.",
        Categories.PermissionDenied => "The process lacks a permission it needs.",
        Categories.MissingDependency => "A library or module is missing from the image.",
        Categories.PortConflict => "The port the app binds is already taken.",
        Categories.AppCrash => "A bug in the app's own code: an unhandled exception or panic.",
        Categories.NativeCrash => "The process died of a signal from native code.",
        Categories.ExitsZero => "The main process finishes successfully, but the pod's restartPolicy is Always.",
        _ => "The evidence does not support any specific cause.",
    };
}
