using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;

namespace Klarsicht.Kubernetes.Targets;

/// <summary>A resolved target with the API objects already fetched, so collection does not fetch them again.</summary>
internal sealed record KubeTarget(
    ObjectRef? Subject,
    string? Namespace,
    V1Pod? PodObject,
    string? Container,
    string? Node,
    IReadOnlyList<V1Pod> Siblings,
    string? Note,
    IReadOnlyList<string> Gaps)
    : ResolvedTarget(Subject, Namespace, PodObject?.Metadata.Name, Container, Node, Note, Gaps);
