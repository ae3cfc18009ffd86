using Klarsicht.Core.Alerts;

namespace Klarsicht.Core.Evidence;

/// <summary>
/// Everything the collectors found for one investigation. The diagnosis engine reads only this: no clock,
/// no network, so the same bundle always yields the same RCA.
/// </summary>
public sealed record EvidenceBundle(
    ReceivedAlert? Alert,
    TargetQuery Query,
    DateTimeOffset CollectedAt,
    SubjectEvidence? Subject,
    IReadOnlyList<string> Gaps,
    bool MetricsConsulted,
    string? ResolutionNote);

/// <summary>
/// Evidence about one thing that may be failing: a pod with its owner, node, events and logs, plus the
/// dependencies it names. Dependencies carry their own <see cref="SubjectEvidence"/>, so a cascade is a tree.
/// </summary>
public sealed record SubjectEvidence(
    ObjectRef Ref,
    PodFacts? Pod,
    string? FocusContainer,
    WorkloadFacts? Workload,
    ServiceFacts? Service,
    IReadOnlyList<EventFact> Events,
    IReadOnlyList<ContainerLog> Logs,
    NodeFacts? Node,
    IReadOnlyList<NodeFacts> RelatedNodes,
    IReadOnlyList<VolumeClaimFacts> Claims,
    IReadOnlyList<MetricFact> Metrics,
    IReadOnlyList<DependencyEvidence> Dependencies,
    SiblingFacts Siblings)
{
    /// <summary>The object that has to change: the owning workload, else the pod, else the subject itself.</summary>
    public ObjectRef Culprit => Workload?.Ref ?? Pod?.Ref ?? Ref;

    public ContainerFacts? Focus =>
        Pod is null ? null : Pod.AllContainers.FirstOrDefault(c => c.Name == FocusContainer) ?? Pod.Containers.FirstOrDefault();
}

/// <summary>Other pods of the same workload: how many are healthy and how many fail the same way.</summary>
public sealed record SiblingFacts(int Total, int Failing, IReadOnlyList<string> FailingNames)
{
    public static SiblingFacts None { get; } = new(0, 0, []);
}

/// <summary>A Service and its endpoints' readiness.</summary>
public sealed record ServiceFacts(
    string Namespace,
    string Name,
    string? Type,
    string? ExternalName,
    IReadOnlyDictionary<string, string> Selector,
    string? ClusterIp,
    IReadOnlyList<int> Ports,
    int ReadyEndpoints,
    int NotReadyEndpoints)
{
    public ObjectRef Ref => new("Service", Namespace, Name);
}

/// <summary>Where the app names a host it talks to: an env value or a log line.</summary>
public sealed record DependencyReference(string Host, int? Port, string Source);

public enum DependencyResolution
{
    /// <summary>The host names a Service in the cluster.</summary>
    InCluster,

    /// <summary>The host is outside the cluster (a public or corporate DNS name, or an IP not in the cluster).</summary>
    External,

    /// <summary>The host looks like an in-cluster name, but no Service has it.</summary>
    NoSuchService,
}

public sealed record DependencyEvidence(
    DependencyReference Reference,
    DependencyResolution Resolution,
    ServiceFacts? Service,
    WorkloadFacts? BackingWorkload,
    SubjectEvidence? Backend)
{
    public bool IsDown => Service is { ReadyEndpoints: 0, Type: not "ExternalName" } || Backend?.Pod?.IsFailing == true;
}
