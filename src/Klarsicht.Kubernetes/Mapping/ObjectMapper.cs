using k8s.Models;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Mapping;

/// <summary>Maps events, nodes, claims and services to facts.</summary>
internal static class ObjectMapper
{
    public static EventFact Event(Corev1Event e) => new(
        e.InvolvedObject?.Kind ?? "Unknown",
        e.InvolvedObject?.NamespaceProperty,
        e.InvolvedObject?.Name ?? string.Empty,
        e.InvolvedObject?.FieldPath,
        e.Type ?? "Normal",
        e.Reason ?? string.Empty,
        e.Message ?? string.Empty,
        e.Count ?? e.Series?.Count ?? 1,
        // Two timestamp styles: kubelet events set first/lastTimestamp, events.k8s.io writers only eventTime.
        PodMapper.Time(e.FirstTimestamp) ?? PodMapper.Time(e.EventTime),
        PodMapper.Time(e.LastTimestamp) ?? PodMapper.Time(e.Series?.LastObservedTime) ?? PodMapper.Time(e.EventTime) ?? PodMapper.Time(e.FirstTimestamp),
        e.Source?.Component ?? e.ReportingComponent);

    public static NodeFacts Node(V1Node node, int failingPods, IReadOnlyList<string> failingNames) => new(
        node.Metadata.Name,
        node.Status?.Conditions?.Select(c => new ConditionFact(c.Type, c.Status, c.Reason, c.Message, PodMapper.Time(c.LastTransitionTime))).ToList() ?? [],
        node.Spec?.Taints?.Select(t => new TaintFact(t.Key, t.Value, t.Effect)).ToList() ?? [],
        node.Spec?.Unschedulable ?? false,
        node.Status?.Allocatable is { } a && a.TryGetValue("cpu", out var cpu) ? cpu.ToString() : null,
        node.Status?.Allocatable is { } m && m.TryGetValue("memory", out var memory) ? memory.ToString() : null,
        failingPods,
        failingNames);

    public static VolumeClaimFacts Claim(V1PersistentVolumeClaim c) => new(
        c.Metadata.NamespaceProperty, c.Metadata.Name, c.Status?.Phase ?? "Unknown", c.Spec?.StorageClassName, c.Spec?.VolumeName, null);

    public static ServiceFacts Service(V1Service service, V1Endpoints? endpoints) => new(
        service.Metadata.NamespaceProperty,
        service.Metadata.Name,
        service.Spec?.Type,
        service.Spec?.ExternalName,
        service.Spec?.Selector is { } selector ? new Dictionary<string, string>(selector) : new Dictionary<string, string>(),
        service.Spec?.ClusterIP is { } ip && ip != "None" ? ip : null,
        service.Spec?.Ports?.Select(p => p.Port).ToList() ?? [],
        endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0,
        endpoints?.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0);

    public static WorkloadFacts Workload(string kind, V1ObjectMeta meta, int? desired, int? ready, int? available, IList<V1DeploymentCondition>? conditions, RolloutFacts? rollout) => new(
        new ObjectRef(kind, meta.NamespaceProperty, meta.Name),
        desired,
        ready,
        available,
        conditions?.Select(c => new ConditionFact(c.Type, c.Status, c.Reason, c.Message, PodMapper.Time(c.LastTransitionTime))).ToList() ?? [],
        rollout);
}
