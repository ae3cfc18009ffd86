using System.Buffers;
using System.Text;
using k8s;
using k8s.Models;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.Core.Redaction;
using Klarsicht.Kubernetes.Dependencies;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;
using Microsoft.Extensions.Options;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>
/// Collects the Kubernetes evidence of an investigation. Independent calls run concurrently, each with its
/// own deadline; for a single pod the critical path is three dependent round trips (pod; owner, events,
/// logs, node, claims, services; deployment and rollout history).
/// </summary>
public sealed class KubernetesClusterCollector(IKubernetes client, IOptions<KubernetesOptions> options) : IClusterCollector
{
    private readonly KubernetesOptions _options = options.Value;

    public async Task<ResolvedTarget> ResolveAsync(TargetQuery query, CancellationToken cancellationToken)
    {
        var calls = new KubeCalls(_options.CollectorTimeout, cancellationToken);
        return await TargetResolver.ResolveAsync(client, query, calls).ConfigureAwait(false);
    }

    public async Task<ClusterEvidence> CollectAsync(ResolvedTarget target, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var calls = new KubeCalls(_options.CollectorTimeout, cancellationToken);
        foreach (var gap in target.Gaps)
        {
            calls.Gap(gap);
        }

        if (target is not KubeTarget kube)
        {
            return new ClusterEvidence(null, calls.Gaps);
        }

        SubjectEvidence? subject;
        if (kube.PodObject is { } pod)
        {
            subject = await CollectPodAsync(pod, kube.Container, kube.Siblings, 0, [], calls).ConfigureAwait(false);
        }
        else if (kube.Subject is { Kind: "Node" } node)
        {
            subject = await CollectNodeOnlyAsync(node.Name, calls).ConfigureAwait(false);
        }
        else if (kube.Subject is { } other)
        {
            subject = new SubjectEvidence(other, null, null, null, null, [], [], null, [], [], [], [], SiblingFacts.None);
        }
        else
        {
            subject = null;
        }

        return new ClusterEvidence(subject, calls.Gaps);
    }

    private async Task<SubjectEvidence> CollectPodAsync(V1Pod pod, string? focus, IReadOnlyList<V1Pod> siblings, int depth, HashSet<string> visited, KubeCalls calls)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        visited.Add($"{ns}/{name}");
        focus ??= FailingPodPicker.FocusContainer(pod, null);
        var nodeName = pod.Spec?.NodeName;

        var owner = CollectOwnerAsync(pod, calls);
        var events = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}", cancellationToken: ct));
        var logs = CollectLogsAsync(pod, focus, calls);
        var node = nodeName is null ? Task.FromResult<V1Node?>(null) : calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
        var nodeEvents = nodeName is null ? Task.FromResult<Corev1EventList?>(null)
            : calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nodeName}", cancellationToken: ct));
        var claims = CollectClaimsAsync(pod, calls);
        var services = depth < _options.DependencyDepth
            ? calls.TryAsync("services", ct => client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct))
            : Task.FromResult<V1ServiceList?>(null);
        var relatedNodes = pod.Status?.Phase == "Pending" && nodeName is null
            ? calls.TryAsync("nodes", ct => client.CoreV1.ListNodeAsync(cancellationToken: ct))
            : Task.FromResult<V1NodeList?>(null);
        var siblingPods = siblings.Count > 0 || pod.Metadata.Labels?.TryGetValue("pod-template-hash", out _) != true
            ? Task.FromResult<V1PodList?>(null)
            : calls.TryAsync("sibling pods", ct => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"pod-template-hash={pod.Metadata.Labels["pod-template-hash"]}", cancellationToken: ct));

        await Task.WhenAll(owner, events, logs, node, nodeEvents, claims, services, relatedNodes, siblingPods).ConfigureAwait(false);

        var (workload, ownerEvents) = owner.Result;
        var allEvents = new List<EventFact>();
        allEvents.AddRange(events.Result?.Items.Select(ObjectMapper.Event) ?? []);
        allEvents.AddRange(ownerEvents);
        allEvents.AddRange(nodeEvents.Result?.Items.Select(ObjectMapper.Event) ?? []);
        allEvents.AddRange(claims.Result.Events);

        var nodeFacts = node.Result is { } n ? await NodeFactsAsync(n, calls).ConfigureAwait(false) : null;
        var related = relatedNodes.Result?.Items
            .Where(x => x.Status?.Conditions?.Any(c => (c.Type == "Ready" && c.Status != "True") || (c.Type != "Ready" && c.Status == "True" && c.Type.EndsWith("Pressure", StringComparison.Ordinal))) == true)
            .Select(x => ObjectMapper.Node(x, 0, []))
            .ToList() ?? [];
        if (related.Count > 0)
        {
            var names = related.Select(r => r.Name).ToList();
            var relatedEvents = await Task.WhenAll(names.Select(nn => calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nn}", cancellationToken: ct)))).ConfigureAwait(false);
            allEvents.AddRange(relatedEvents.SelectMany(e => e?.Items.Select(ObjectMapper.Event) ?? []));
        }

        var podFacts = PodMapper.Map(pod);
        var siblingList = siblings.Count > 0 ? siblings : siblingPods.Result?.Items.ToList() ?? [];
        var siblingFacts = siblingList.Count == 0
            ? SiblingFacts.None
            : new SiblingFacts(siblingList.Count, siblingList.Count(FailingPodPicker.IsFailing), siblingList.Where(FailingPodPicker.IsFailing).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList());

        var dependencies = depth < _options.DependencyDepth && services.Result is { } serviceList
            ? await CollectDependenciesAsync(pod, logs.Result, serviceList, depth, visited, calls).ConfigureAwait(false)
            : [];

        return new SubjectEvidence(
            podFacts.Ref,
            podFacts,
            focus,
            workload,
            null,
            allEvents.OrderByDescending(e => e.LastSeen ?? e.FirstSeen).ThenBy(e => e.Reason, StringComparer.Ordinal).ToList(),
            logs.Result,
            nodeFacts,
            related,
            claims.Result.Claims,
            [],
            dependencies,
            siblingFacts);
    }

    private async Task<SubjectEvidence> CollectNodeOnlyAsync(string nodeName, KubeCalls calls)
    {
        var node = calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
        var events = calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nodeName}", cancellationToken: ct));
        await Task.WhenAll(node, events).ConfigureAwait(false);
        var facts = node.Result is { } n ? await NodeFactsAsync(n, calls).ConfigureAwait(false) : null;
        return new SubjectEvidence(ObjectRef.Node(nodeName), null, null, null, null, events.Result?.Items.Select(ObjectMapper.Event).ToList() ?? [], [], facts, [], [], [], [], SiblingFacts.None);
    }

    private async Task<NodeFacts> NodeFactsAsync(V1Node node, KubeCalls calls)
    {
        var troubled = node.Status?.Conditions?.Any(c => (c.Type == "Ready" && c.Status != "True") || (c.Type != "Ready" && c.Status == "True")) == true;
        if (!troubled)
        {
            return ObjectMapper.Node(node, 0, []);
        }

        // Whether other pods on the node fail too tells a node problem from a pod problem; bounded by the node.
        var pods = await calls.TryAsync("pods on node", ct => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={node.Metadata.Name}", cancellationToken: ct)).ConfigureAwait(false);
        var failing = pods?.Items.Where(FailingPodPicker.IsFailing).Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Order(StringComparer.Ordinal).ToList() ?? [];
        return ObjectMapper.Node(node, failing.Count, failing.Take(10).ToList());
    }

    private async Task<(WorkloadFacts? Workload, List<EventFact> Events)> CollectOwnerAsync(V1Pod pod, KubeCalls calls)
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
                await Task.WhenAll(ssEvents, ss).ConfigureAwait(false);
                events.AddRange(ssEvents.Result?.Items.Select(ObjectMapper.Event) ?? []);
                return ss.Result is { } s
                    ? (ObjectMapper.Workload("StatefulSet", s.Metadata, s.Spec?.Replicas, s.Status?.ReadyReplicas, s.Status?.AvailableReplicas, null, null), events)
                    : (null, events);
            }

            case "DaemonSet":
            {
                var ds = await calls.TryAsync("daemonset", ct => client.AppsV1.ReadNamespacedDaemonSetAsync(owner.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                return ds is null ? (null, events) : (ObjectMapper.Workload("DaemonSet", ds.Metadata, ds.Status?.DesiredNumberScheduled, ds.Status?.NumberReady, ds.Status?.NumberAvailable, null, null), events);
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

    private async Task<List<ContainerLog>> CollectLogsAsync(V1Pod pod, string? container, KubeCalls calls)
    {
        if (container is null)
        {
            return [];
        }

        var status = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).FirstOrDefault(s => s.Name == container);
        var hasPrevious = status is not null && (status.RestartCount > 0 || status.LastState?.Terminated is not null);
        var hasCurrent = status?.State?.Running is not null || status?.State?.Terminated is not null;
        var previous = hasPrevious ? ReadLogAsync(pod, container, true, calls) : Task.FromResult<ContainerLog?>(null);
        var current = hasCurrent || !hasPrevious ? ReadLogAsync(pod, container, false, calls) : Task.FromResult<ContainerLog?>(null);
        await Task.WhenAll(previous, current).ConfigureAwait(false);
        return new[] { previous.Result, current.Result }.OfType<ContainerLog>().ToList();
    }

    private async Task<ContainerLog?> ReadLogAsync(V1Pod pod, string container, bool previous, KubeCalls calls)
    {
        var text = await calls.TryAsync(previous ? "logs (previous)" : "logs", async ct =>
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, container: container, previous: previous,
                tailLines: _options.LogTailLines, limitBytes: _options.LogLimitBytes, cancellationToken: ct).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Rented: a fresh 256 KiB buffer per log read would land on the large-object heap every time.
            var buffer = ArrayPool<char>.Shared.Rent(_options.LogLimitBytes);
            try
            {
                var read = await reader.ReadBlockAsync(buffer.AsMemory(0, _options.LogLimitBytes), ct).ConfigureAwait(false);
                return new string(buffer, 0, read);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }).ConfigureAwait(false);
        if (text is null)
        {
            return null;
        }

        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var kept = new string[Math.Min(count, _options.LogTailLines)];
        var offset = count - kept.Length;
        for (var i = 0; i < kept.Length; i++)
        {
            // Redacted before anything stores it: logs are where secrets leak most.
            kept[i] = SecretRedactor.Redact(lines[offset + i].TrimEnd('\r'));
        }

        return new ContainerLog(pod.Metadata.Name, container, previous, kept, offset > 0 || text.Length >= _options.LogLimitBytes);
    }

    private async Task<(List<VolumeClaimFacts> Claims, List<EventFact> Events)> CollectClaimsAsync(V1Pod pod, KubeCalls calls)
    {
        var names = pod.Spec?.Volumes?.Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim.ClaimName).Distinct().ToList() ?? [];
        if (names.Count == 0)
        {
            return ([], []);
        }

        var ns = pod.Metadata.NamespaceProperty;
        var claims = names.Select(n => calls.TryAsync("persistentvolumeclaim", ct => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(n, ns, cancellationToken: ct))).ToList();
        var events = names.Select(n => calls.TryAsync("claim events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={n}", cancellationToken: ct))).ToList();
        await Task.WhenAll(claims.Cast<Task>().Concat(events)).ConfigureAwait(false);
        return (claims.Select(c => c.Result).OfType<V1PersistentVolumeClaim>().Select(ObjectMapper.Claim).ToList(),
            events.SelectMany(e => e.Result?.Items.Select(ObjectMapper.Event) ?? []).ToList());
    }

    private async Task<List<DependencyEvidence>> CollectDependenciesAsync(V1Pod pod, List<ContainerLog> logs, V1ServiceList services, int depth, HashSet<string> visited, KubeCalls calls)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var references = new List<DependencyReference>();
        foreach (var container in (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? []))
        {
            references.AddRange(DependencyExtractor.FromEnv(container));
        }

        var fromLogs = logs.SelectMany(DependencyExtractor.FromLog).ToList();
        var resolved = new List<(DependencyReference Reference, DependencyResolution Resolution, V1Service? Service)>();
        foreach (var reference in references.Concat(fromLogs))
        {
            if (resolved.Any(r => r.Reference.Host == reference.Host))
            {
                continue;
            }

            var (resolution, service, otherNamespace) = DependencyResolver.Resolve(reference, ns, services.Items);
            var isLog = fromLogs.Contains(reference);
            if (otherNamespace is { } other)
            {
                service = await calls.TryAsync("dependency service", ct => client.CoreV1.ReadNamespacedServiceAsync(other.Name, other.Namespace, cancellationToken: ct)).ConfigureAwait(false);
                resolution = service is null ? DependencyResolution.NoSuchService : DependencyResolution.InCluster;
            }

            // Log lines are noisy: keep only hosts that are Services or clearly outside the cluster.
            if (isLog && resolution == DependencyResolution.NoSuchService)
            {
                continue;
            }

            if (service is not null && resolved.Any(r => r.Service?.Metadata.Uid == service.Metadata.Uid && r.Service is not null))
            {
                continue;
            }

            resolved.Add((reference, resolution, service));
        }

        var tasks = resolved.Take(_options.DependencyFanOut)
            .Select(r => r.Service is null
                ? Task.FromResult(new DependencyEvidence(r.Reference, r.Resolution, null, null, null))
                : CollectServiceDependencyAsync(r.Reference, r.Service, depth, visited, calls))
            .ToList();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    private async Task<DependencyEvidence> CollectServiceDependencyAsync(DependencyReference reference, V1Service service, int depth, HashSet<string> visited, KubeCalls calls)
    {
        var ns = service.Metadata.NamespaceProperty;
        var endpoints = calls.TryAsync("endpoints", ct => client.CoreV1.ReadNamespacedEndpointsAsync(service.Metadata.Name, ns, cancellationToken: ct));
        var selector = service.Spec?.Selector is { Count: > 0 } s ? TargetResolver.Selector(s) : null;
        var pods = selector is null ? Task.FromResult<V1PodList?>(null) : calls.TryAsync("dependency pods", ct => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct));
        await Task.WhenAll(endpoints, pods).ConfigureAwait(false);

        var facts = ObjectMapper.Service(service, endpoints.Result);
        var backendPods = pods.Result?.Items.ToList() ?? [];
        var workload = await BackingWorkloadAsync(service, backendPods, calls).ConfigureAwait(false);
        SubjectEvidence? backend = null;
        var failing = FailingPodPicker.Pick(backendPods.Where(FailingPodPicker.IsFailing)) ?? await PodOnLostNodeAsync(backendPods, calls).ConfigureAwait(false);
        if (failing is not null && !visited.Contains($"{failing.Metadata.NamespaceProperty}/{failing.Metadata.Name}"))
        {
            backend = await CollectPodAsync(failing, null, backendPods, depth + 1, visited, calls).ConfigureAwait(false);
        }

        return new DependencyEvidence(reference, DependencyResolution.InCluster, facts, backend?.Workload ?? workload, backend);
    }

    // A pod whose node stopped reporting keeps its last status (Running, Ready) and may stay in the endpoints
    // until the node controller evicts it, yet nothing answers. When every serving pod sits on a NotReady node,
    // the node is the dependency's failure: collect one of those pods so the node shows up as the root.
    private async Task<V1Pod?> PodOnLostNodeAsync(List<V1Pod> pods, KubeCalls calls)
    {
        var placed = pods.Where(p => p.Spec?.NodeName is not null && p.Status?.Phase == "Running").ToList();
        var nodeNames = placed.Select(p => p.Spec.NodeName).Distinct(StringComparer.Ordinal).ToList();
        if (placed.Count == 0 || nodeNames.Count > 3)
        {
            return null;
        }

        var nodes = await Task.WhenAll(nodeNames.Select(n => calls.TryAsync("dependency node", ct => client.CoreV1.ReadNodeAsync(n, cancellationToken: ct)))).ConfigureAwait(false);
        var lost = nodes.OfType<V1Node>()
            .Where(n => n.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { } ready && ready.Status != "True")
            .Select(n => n.Metadata.Name)
            .ToHashSet(StringComparer.Ordinal);
        return lost.Count > 0 && placed.All(p => lost.Contains(p.Spec.NodeName)) ? FailingPodPicker.Pick(placed) : null;
    }

    // The workload behind a Service: from a pod's owner chain, or, when no pod exists (scaled to zero), the
    // Deployment or StatefulSet in the namespace whose pod template the Service's selector matches.
    private async Task<WorkloadFacts?> BackingWorkloadAsync(V1Service service, List<V1Pod> pods, KubeCalls calls)
    {
        var ns = service.Metadata.NamespaceProperty;
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            return null;
        }

        if (pods.Count > 0)
        {
            return null;
        }

        var deployments = calls.TryAsync("deployments", ct => client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: ct));
        var statefulSets = calls.TryAsync("statefulsets", ct => client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: ct));
        await Task.WhenAll(deployments, statefulSets).ConfigureAwait(false);
        bool Selects(IDictionary<string, string>? labels) => labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        if (deployments.Result?.Items.FirstOrDefault(d => Selects(d.Spec?.Template?.Metadata?.Labels)) is { } deployment)
        {
            return ObjectMapper.Workload("Deployment", deployment.Metadata, deployment.Spec?.Replicas, deployment.Status?.ReadyReplicas, deployment.Status?.AvailableReplicas, deployment.Status?.Conditions, null);
        }

        if (statefulSets.Result?.Items.FirstOrDefault(s => Selects(s.Spec?.Template?.Metadata?.Labels)) is { } statefulSet)
        {
            return ObjectMapper.Workload("StatefulSet", statefulSet.Metadata, statefulSet.Spec?.Replicas, statefulSet.Status?.ReadyReplicas, statefulSet.Status?.AvailableReplicas, null, null);
        }

        return null;
    }
}
