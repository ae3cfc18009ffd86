namespace Klarsicht.Core.Evidence;

/// <summary>A Kubernetes event, whichever of the two timestamp styles it was written in.</summary>
public sealed record EventFact(
    string InvolvedKind,
    string? InvolvedNamespace,
    string InvolvedName,
    string? FieldPath,
    string Type,
    string Reason,
    string Message,
    int Count,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    string? Component)
{
    public bool IsWarning => Type == "Warning";

    /// <summary>The container the event is about, from a field path such as <c>spec.containers{api}</c>.</summary>
    public string? Container
    {
        get
        {
            if (FieldPath is null)
            {
                return null;
            }

            var open = FieldPath.IndexOf('{', StringComparison.Ordinal);
            var close = FieldPath.IndexOf('}', StringComparison.Ordinal);
            return open >= 0 && close > open ? FieldPath[(open + 1)..close] : null;
        }
    }
}

/// <summary>Log lines of one container instance, already redacted. <c>Previous</c> is the crashed instance.</summary>
public sealed record ContainerLog(string Pod, string Container, bool Previous, IReadOnlyList<string> Lines, bool Truncated);

/// <summary>The controller that owns the failing pod and what its latest rollout changed.</summary>
public sealed record WorkloadFacts(
    ObjectRef Ref,
    int? DesiredReplicas,
    int? ReadyReplicas,
    int? AvailableReplicas,
    IReadOnlyList<ConditionFact> Conditions,
    RolloutFacts? Rollout);

public sealed record RolloutFacts(
    int? CurrentRevision,
    int? PreviousRevision,
    DateTimeOffset? RolledOutAt,
    string? ChangeCause,
    IReadOnlyList<RolloutChange> Changes);

/// <summary>One difference between the previous and the current pod template.</summary>
public sealed record RolloutChange(string Field, string? Container, string? Before, string? After)
{
    public string Describe()
    {
        var where = Container is null ? Field : $"{Field} of container {Container}";
        return (Before, After) switch
        {
            (null, not null) => $"{where}: added {After}",
            (not null, null) => $"{where}: removed {Before}",
            _ => $"{where}: {Before} → {After}",
        };
    }
}

public sealed record NodeFacts(
    string Name,
    IReadOnlyList<ConditionFact> Conditions,
    IReadOnlyList<TaintFact> Taints,
    bool Unschedulable,
    string? AllocatableCpu,
    string? AllocatableMemory,
    int FailingPodsOnNode,
    IReadOnlyList<string> FailingPodNames)
{
    public ObjectRef Ref => ObjectRef.Node(Name);

    public ConditionFact? Condition(string type) => Conditions.FirstOrDefault(c => c.Type == type);

    public bool IsNotReady => Condition("Ready") is { } ready && ready.Status != "True";

    public IEnumerable<ConditionFact> Pressures =>
        Conditions.Where(c => c.Type is "MemoryPressure" or "DiskPressure" or "PIDPressure" && c.Status == "True");
}

public sealed record TaintFact(string Key, string? Value, string Effect);

public sealed record VolumeClaimFacts(string Namespace, string Name, string Phase, string? StorageClass, string? VolumeName, bool? StorageClassExists);

/// <summary>
/// A fact read from Prometheus, with the PromQL that produced it so a person can rerun the query.
/// </summary>
public sealed record MetricFact(
    MetricKind Kind,
    string? Namespace,
    string? Pod,
    string? Container,
    double Value,
    double? Limit,
    DateTimeOffset? At,
    string Query,
    string Summary);

public enum MetricKind
{
    /// <summary>Peak working set; <c>Limit</c> is the memory limit in bytes.</summary>
    MemoryPeak,

    /// <summary>Working set just before a termination; <c>Limit</c> is the memory limit.</summary>
    MemoryAtTermination,

    /// <summary>CPU usage in cores; <c>Limit</c> is the CPU limit in cores.</summary>
    CpuUsage,

    /// <summary>Share of CFS periods that were throttled (0..1).</summary>
    CpuThrottling,

    /// <summary>Restarts within the window.</summary>
    Restarts,

    /// <summary>Node condition true during the window (value 1); Container holds the condition name.</summary>
    NodeCondition,

    /// <summary>Other pods on the node that were OOM-killed.</summary>
    NodeOomKills,

    /// <summary>kube-state-metrics last terminated reason; Container holds the reason in Summary.</summary>
    LastTerminatedReason,
}
