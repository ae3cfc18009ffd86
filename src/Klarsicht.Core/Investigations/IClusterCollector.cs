using Klarsicht.Core.Alerts;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Investigations;

/// <summary>
/// What target resolution found: the subject to investigate, or a note saying what was looked for and not
/// found. Collectors may derive from it to carry the objects they already fetched.
/// </summary>
public record ResolvedTarget(ObjectRef? Subject, string? Namespace, string? Pod, string? Container, string? Node, string? Note, IReadOnlyList<string> Gaps);

/// <summary>The Kubernetes side of an investigation.</summary>
public sealed record ClusterEvidence(SubjectEvidence? Subject, IReadOnlyList<string> Gaps);

/// <summary>
/// The seam the Kubernetes collectors plug into: first resolve what the alert names, then collect the
/// evidence for it (and for the dependencies it names) in parallel.
/// </summary>
public interface IClusterCollector
{
    Task<ResolvedTarget> ResolveAsync(TargetQuery query, CancellationToken cancellationToken);

    Task<ClusterEvidence> CollectAsync(ResolvedTarget target, DateTimeOffset since, CancellationToken cancellationToken);
}
