namespace Klarsicht.Core.Alerts;

/// <summary>
/// What an alert asks Klarsicht to look at, read from its labels. Every part is optional:
/// node- and cluster-level alerts carry no pod, and service-level alerts carry no workload.
/// </summary>
public sealed record TargetQuery(
    string? Namespace,
    string? Pod,
    string? Container,
    string? WorkloadKind,
    string? WorkloadName,
    string? Service,
    string? Node,
    string? AppLabel)
{
    public static TargetQuery Empty { get; } = new(null, null, null, null, null, null, null, null);

    public bool HasKubernetesTarget =>
        Pod is not null || WorkloadName is not null || Service is not null || Node is not null || AppLabel is not null;

    /// <summary>A one-line description of what was looked for, used when nothing was found.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Pod is not null) parts.Add($"pod {Pod}");
        if (WorkloadName is not null) parts.Add($"{WorkloadKind ?? "workload"} {WorkloadName}");
        if (Service is not null) parts.Add($"service {Service}");
        if (AppLabel is not null) parts.Add($"app {AppLabel}");
        if (Node is not null) parts.Add($"node {Node}");
        var what = parts.Count == 0 ? "no Kubernetes object" : string.Join(", ", parts);
        return Namespace is null ? what : $"{what} in namespace {Namespace}";
    }
}
