using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Dependencies;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>The hosts an app names, mapped to Services, their endpoints, the pods behind them and the workload serving them; failing backends are collected in turn (bounded depth and fan-out, cycle-safe).</summary>
internal sealed class DependencyCollector(IKubernetes client, KubernetesOptions options)
{
    public async Task<List<DependencyEvidence>> CollectAsync(V1Pod pod, List<ContainerLog> logs, V1ServiceList services, int depth, HashSet<string> visited, KubeCalls calls, Func<V1Pod, IReadOnlyList<V1Pod>, int, HashSet<string>, KubeCalls, Task<SubjectEvidence>> collectPod)
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

        var tasks = resolved.Take(options.DependencyFanOut)
            .Select(r => r.Service is null
                ? Task.FromResult(new DependencyEvidence(r.Reference, r.Resolution, null, null, null))
                : CollectServiceDependencyAsync(r.Reference, r.Service, depth, visited, calls, collectPod))
            .ToList();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    private async Task<DependencyEvidence> CollectServiceDependencyAsync(DependencyReference reference, V1Service service, int depth, HashSet<string> visited, KubeCalls calls, Func<V1Pod, IReadOnlyList<V1Pod>, int, HashSet<string>, KubeCalls, Task<SubjectEvidence>> collectPod)
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
            backend = await collectPod(failing, backendPods, depth + 1, visited, calls).ConfigureAwait(false);
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
