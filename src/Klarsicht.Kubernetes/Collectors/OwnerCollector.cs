using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Redaction;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>The controller chain above a pod (ReplicaSet → Deployment, StatefulSet, DaemonSet, Job → CronJob) and what the latest rollout changed.</summary>
internal sealed class OwnerCollector(IKubernetes client)
{
    public async Task<(WorkloadFacts? Workload, List<EventFact> Events)> CollectAsync(V1Pod pod, KubeCalls calls)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) ?? pod.Metadata.OwnerReferences?.FirstOrDefault();
        if (owner is null)
        {
            return (null, []);
        }

        var events = new List<EventFact>();
        switch (owner.Kind)
        {
            case "ReplicaSet":
            {
                var rsEvents = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={owner.Name}", cancellationToken: ct));
                var rs = await calls.TryAsync("replicaset", ct => client.AppsV1.ReadNamespacedReplicaSetAsync(owner.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                var deploymentRef = rs?.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "Deployment");
                if (rs is null || deploymentRef is null)
                {
                    events.AddRange((await rsEvents.ConfigureAwait(false))?.Items.Select(ObjectMapper.Event) ?? []);
                    return (rs is null ? null : ObjectMapper.Workload("ReplicaSet", rs.Metadata, rs.Spec?.Replicas, rs.Status?.ReadyReplicas, rs.Status?.AvailableReplicas, null, null), events);
                }

                var deployment = calls.TryAsync("deployment", ct => client.AppsV1.ReadNamespacedDeploymentAsync(deploymentRef.Name, ns, cancellationToken: ct));
                var deploymentEvents = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={deploymentRef.Name}", cancellationToken: ct));
                var history = rs.Spec?.Selector is { } selector
                    ? calls.TryAsync("replicasets", ct => client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: SelectorWithoutHash(selector), cancellationToken: ct))
                    : Task.FromResult<V1ReplicaSetList?>(null);
                await Task.WhenAll(rsEvents, deployment, deploymentEvents, history).ConfigureAwait(false);
                events.AddRange(rsEvents.Result?.Items.Select(ObjectMapper.Event) ?? []);
                events.AddRange(deploymentEvents.Result?.Items.Select(ObjectMapper.Event) ?? []);
                if (deployment.Result is not { } d)
                {
                    return (null, events);
                }

                var rollout = Rollout(d, history.Result?.Items.Where(r => r.Metadata.OwnerReferences?.Any(o => o.Kind == "Deployment" && o.Name == d.Metadata.Name) == true).ToList() ?? [rs]);
                return (ObjectMapper.Workload("Deployment", d.Metadata, d.Spec?.Replicas, d.Status?.ReadyReplicas, d.Status?.AvailableReplicas, d.Status?.Conditions, rollout), events);
            }

            case "StatefulSet":
            {
                var ssEvents = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={owner.Name}", cancellationToken: ct));
                var ss = calls.TryAsync("statefulset", ct => client.AppsV1.ReadNamespacedStatefulSetAsync(owner.Name, ns, cancellationToken: ct));
                var revisions = RevisionsAsync(pod, calls);
                await Task.WhenAll(ssEvents, ss, revisions).ConfigureAwait(false);
                events.AddRange(ssEvents.Result?.Items.Select(ObjectMapper.Event) ?? []);
                return ss.Result is { } s
                    ? (ObjectMapper.Workload("StatefulSet", s.Metadata, s.Spec?.Replicas, s.Status?.ReadyReplicas, s.Status?.AvailableReplicas, null,
                        ControllerRevisions.Rollout(revisions.Result?.Items ?? [], "StatefulSet", s.Metadata.Name, s.Status?.UpdateRevision)), events)
                    : (null, events);
            }

            case "DaemonSet":
            {
                var ds = calls.TryAsync("daemonset", ct => client.AppsV1.ReadNamespacedDaemonSetAsync(owner.Name, ns, cancellationToken: ct));
                var revisions = RevisionsAsync(pod, calls);
                await Task.WhenAll(ds, revisions).ConfigureAwait(false);
                return ds.Result is not { } d
                    ? (null, events)
                    : (ObjectMapper.Workload("DaemonSet", d.Metadata, d.Status?.DesiredNumberScheduled, d.Status?.NumberReady, d.Status?.NumberAvailable, null,
                        ControllerRevisions.Rollout(revisions.Result?.Items ?? [], "DaemonSet", d.Metadata.Name, null)), events);
            }

            case "Job":
            {
                var job = await calls.TryAsync("job", ct => client.BatchV1.ReadNamespacedJobAsync(owner.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                if (job is null)
                {
                    return (null, events);
                }

                var cron = job.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "CronJob");
                if (cron is not null)
                {
                    var cronJob = await calls.TryAsync("cronjob", ct => client.BatchV1.ReadNamespacedCronJobAsync(cron.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                    if (cronJob is not null)
                    {
                        return (ObjectMapper.Workload("CronJob", cronJob.Metadata, null, null, null, null, null), events);
                    }
                }

                return (ObjectMapper.Workload("Job", job.Metadata, job.Spec?.Completions, job.Status?.Succeeded, job.Status?.Active, null, null), events);
            }

            default:
                return (null, events);
        }
    }

    private static RolloutFacts? Rollout(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> replicaSets)
    {
        static int? Revision(V1ObjectMeta meta) =>
            meta.Annotations?.TryGetValue("deployment.kubernetes.io/revision", out var value) == true && int.TryParse(value, out var revision) ? revision : null;

        var ordered = replicaSets.Select(r => (rs: r, revision: Revision(r.Metadata))).Where(x => x.revision is not null).OrderByDescending(x => x.revision).ToList();
        var current = Revision(deployment.Metadata) is { } currentRevision ? ordered.FirstOrDefault(x => x.revision == currentRevision) : ordered.FirstOrDefault();
        if (current.rs is null)
        {
            return null;
        }

        var previous = ordered.FirstOrDefault(x => x.revision < current.revision);
        var changeCause = current.rs.Metadata.Annotations?.TryGetValue("kubernetes.io/change-cause", out var cause) == true ? cause : null;
        return new RolloutFacts(
            current.revision,
            previous.revision,
            PodMapper.Time(current.rs.Metadata.CreationTimestamp),
            changeCause is null ? null : SecretRedactor.Redact(changeCause),
            previous.rs is null ? [] : RolloutDiff.Compare(previous.rs.Spec?.Template, current.rs.Spec?.Template));
    }

    private static string SelectorWithoutHash(V1LabelSelector selector)
    {
        var copy = new V1LabelSelector { MatchExpressions = selector.MatchExpressions, MatchLabels = selector.MatchLabels?.Where(kv => kv.Key != "pod-template-hash").ToDictionary(kv => kv.Key, kv => kv.Value) };
        return TargetResolver.Selector(copy);
    }

    private Task<V1ControllerRevisionList?> RevisionsAsync(V1Pod pod, KubeCalls calls) =>
        ControllerRevisions.SelectorFromPod(pod) is { } selector
            ? calls.TryAsync("controllerrevisions", ct => client.AppsV1.ListNamespacedControllerRevisionAsync(pod.Metadata.NamespaceProperty, labelSelector: selector, cancellationToken: ct))
            : Task.FromResult<V1ControllerRevisionList?>(null);
}
