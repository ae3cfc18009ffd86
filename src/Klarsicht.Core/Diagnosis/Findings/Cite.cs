using Klarsicht.Core.Diagnosis.Patterns;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>Turns facts into evidence items that cite their source.</summary>
internal static class Cite
{
    public static EvidenceItem Event(EventFact e) => new(
        e.InvolvedKind == "Node" ? "node" : "events",
        $"{e.Type} {e.Reason} on {e.InvolvedKind.ToLowerInvariant()}/{e.InvolvedName}{(e.Count > 1 ? $" (×{e.Count})" : string.Empty)}: {Trim(e.Message, 400)}",
        $"event {e.InvolvedKind}/{e.InvolvedName}{(e.FieldPath is null ? string.Empty : $" {e.FieldPath}")}, reason {e.Reason}, count {e.Count}, first {Time(e.FirstSeen)}, last {Time(e.LastSeen)}",
        e.LastSeen ?? e.FirstSeen);

    public static EvidenceItem Log(LogHit hit) => new(
        "logs",
        $"{(hit.Log.Previous ? "Previous" : "Current")} log of container {hit.Log.Container}, line {hit.LineNumber}: {Trim(hit.Line.Trim(), 500)}",
        $"pod {hit.Log.Pod}, container {hit.Log.Container}, {(hit.Log.Previous ? "previous (crashed) instance" : "current instance")}, line {hit.LineNumber} of {hit.Log.Lines.Count}; matched pattern {hit.Pattern.Id}",
        null);

    public static EvidenceItem Termination(PodFacts pod, ContainerFacts c, ContainerStateFact t) => new(
        "pod",
        $"Container {c.Name} last terminated with exit code {t.ExitCode}{(t.Signal is { } s and > 0 ? $" (signal {s})" : string.Empty)}, reason {t.Reason ?? "none"}; {c.RestartCount} restarts",
        $"pod {pod.Namespace}/{pod.Name} status.{(c.IsInit ? "initContainerStatuses" : "containerStatuses")}[{c.Name}].{(c.State == t ? "state" : "lastState")}.terminated: exitCode {t.ExitCode}, reason {t.Reason}, started {Time(t.StartedAt)}, finished {Time(t.FinishedAt)}{(string.IsNullOrEmpty(t.Message) ? string.Empty : $", message {Trim(t.Message, 300)}")}",
        t.FinishedAt);

    public static EvidenceItem Waiting(PodFacts pod, ContainerFacts c) => new(
        "pod",
        $"Container {c.Name} is waiting: {c.State?.Reason}{(string.IsNullOrEmpty(c.State?.Message) ? string.Empty : $": {Trim(c.State.Message, 400)}")}",
        $"pod {pod.Namespace}/{pod.Name} status.{(c.IsInit ? "initContainerStatuses" : "containerStatuses")}[{c.Name}].state.waiting",
        null);

    public static EvidenceItem Spec(PodFacts pod, string field, string summary) => new(
        "pod", summary, $"pod {pod.Namespace}/{pod.Name} {field}", null);

    public static EvidenceItem Node(NodeFacts node, ConditionFact condition) => new(
        "node",
        $"Node {node.Name} condition {condition.Type}={condition.Status}{(condition.Reason is null ? string.Empty : $" ({condition.Reason})")}{(string.IsNullOrEmpty(condition.Message) ? string.Empty : $": {Trim(condition.Message, 200)}")}",
        $"node/{node.Name} status.conditions[{condition.Type}], since {Time(condition.LastTransition)}",
        condition.LastTransition);

    public static EvidenceItem Metric(MetricFact m) => new("metrics", m.Summary, $"PromQL: {m.Query}", m.At);

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    public static string Trim(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
