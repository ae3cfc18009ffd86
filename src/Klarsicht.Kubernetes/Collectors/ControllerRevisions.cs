using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Mapping;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>
/// Rollout history of StatefulSets and DaemonSets, which keep their pod templates in ControllerRevisions
/// (Deployments keep them in ReplicaSets).
/// </summary>
internal static class ControllerRevisions
{
    // Labels the controller adds to each pod that the revisions do not carry.
    private static readonly HashSet<string> PerPodLabels = new(StringComparer.Ordinal)
    {
        "controller-revision-hash", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "pod-template-generation",
    };

    /// <summary>A selector that finds the owner's revisions from one of its pods, without reading the owner first.</summary>
    public static string? SelectorFromPod(V1Pod pod)
    {
        var labels = pod.Metadata.Labels?.Where(kv => !PerPodLabels.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        return labels is { Count: > 0 } ? Targets.TargetResolver.Selector(labels) : null;
    }

    /// <summary>The current and previous revision of one owner and what changed between their pod templates.</summary>
    public static RolloutFacts? Rollout(IEnumerable<V1ControllerRevision> revisions, string ownerKind, string ownerName, string? currentName)
    {
        var owned = revisions
            .Where(r => r.Metadata.OwnerReferences?.Any(o => o.Kind == ownerKind && o.Name == ownerName) == true)
            .OrderByDescending(r => r.Revision)
            .ToList();
        var current = owned.FirstOrDefault(r => r.Metadata.Name == currentName) ?? owned.FirstOrDefault();
        if (current is null)
        {
            return null;
        }

        var previous = owned.FirstOrDefault(r => r.Revision < current.Revision);
        return new RolloutFacts(
            (int?)current.Revision,
            (int?)previous?.Revision,
            PodMapper.Time(current.Metadata.CreationTimestamp),
            null,
            previous is null ? [] : RolloutDiff.Compare(Template(previous), Template(current)));
    }

    private static V1PodTemplateSpec? Template(V1ControllerRevision revision)
    {
        if (revision.Data is null)
        {
            return null;
        }

        var data = KubernetesJson.Deserialize<RevisionData>(KubernetesJson.Serialize(revision.Data));
        return data?.Spec?.Template;
    }

    private sealed class RevisionData
    {
        [JsonPropertyName("spec")]
        public RevisionSpec? Spec { get; set; }
    }

    private sealed class RevisionSpec
    {
        [JsonPropertyName("template")]
        public V1PodTemplateSpec? Template { get; set; }
    }
}
