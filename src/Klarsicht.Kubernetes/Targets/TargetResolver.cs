using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Targets;

/// <summary>
/// Finds what an alert's labels name: a pod, a workload or service and its failing pod, or a node. Never
/// lists pods cluster-wide: every list is namespaced and bounded by a selector.
/// </summary>
internal static partial class TargetResolver
{
    [GeneratedRegex(@"^(?<name>.+)-[a-z0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex DaemonSetOrJobPod();

    public static async Task<KubeTarget> ResolveAsync(IKubernetes client, TargetQuery query, KubeCalls calls)
    {
        var ns = query.Namespace;
        if (ns is null)
        {
            if (query.Node is { } nodeName)
            {
                var node = await calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
                return node is null
                    ? NotFound(query, calls, $"node {nodeName} does not exist")
                    : new KubeTarget(ObjectRef.Node(nodeName), null, null, null, nodeName, [], null, calls.Gaps);
            }

            return NotFound(query, calls, "the alert carries no namespace label, so no namespaced object could be looked up");
        }

        if (query.Pod is { } podName)
        {
            var pod = await calls.TryAsync("pod", ct => client.CoreV1.ReadNamespacedPodAsync(podName, ns, cancellationToken: ct));
            if (pod is not null)
            {
                return ForPod(pod, query.Container, [], null, calls);
            }

            // The pod named by the alert is gone (replaced by its controller): look at the workload's current pods.
            foreach (var (kind, name) in GuessOwners(podName, query))
            {
                var replaced = await FromWorkloadAsync(client, ns, kind, name, query, calls);
                if (replaced is not null)
                {
                    return replaced with { Note = $"Pod {ns}/{podName} named by the alert no longer exists; investigated the current pods of {kind} {name} instead." };
                }
            }

            return NotFound(query, calls, $"pod {ns}/{podName} does not exist and no workload owning it was found");
        }

        if (query.WorkloadName is { } workloadName)
        {
            return await FromWorkloadAsync(client, ns, query.WorkloadKind ?? "Deployment", workloadName, query, calls)
                ?? NotFound(query, calls, $"{query.WorkloadKind ?? "Deployment"} {ns}/{workloadName} does not exist");
        }

        if (query.Service is { } serviceName)
        {
            var service = await calls.TryAsync("service", ct => client.CoreV1.ReadNamespacedServiceAsync(serviceName, ns, cancellationToken: ct));
            if (service?.Spec?.Selector is { Count: > 0 } selector)
            {
                var resolved = await FromSelectorAsync(client, ns, Selector(selector), query, calls);
                if (resolved is not null)
                {
                    return resolved;
                }
            }

            if (service is not null)
            {
                return new KubeTarget(new ObjectRef("Service", ns, serviceName), ns, null, null, null, [], $"Service {ns}/{serviceName} selects no pods.", calls.Gaps);
            }
        }

        if (query.AppLabel is { } app)
        {
            foreach (var key in new[] { "app.kubernetes.io/name", "app", "k8s-app" })
            {
                var resolved = await FromSelectorAsync(client, ns, $"{key}={app}", query, calls);
                if (resolved is not null)
                {
                    return resolved;
                }
            }
        }

        if (query.Node is { } onlyNode)
        {
            var node = await calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(onlyNode, cancellationToken: ct));
            if (node is not null)
            {
                return new KubeTarget(ObjectRef.Node(onlyNode), ns, null, null, onlyNode, [], null, calls.Gaps);
            }
        }

        return NotFound(query, calls, query.HasKubernetesTarget ? $"nothing matching {query.Describe()} exists" : "the alert names no pod, workload, service or node");
    }

    private static async Task<KubeTarget?> FromWorkloadAsync(IKubernetes client, string ns, string kind, string name, TargetQuery query, KubeCalls calls)
    {
        string? selector = kind switch
        {
            "Deployment" => (await calls.TryAsync("deployment", ct => client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct)))?.Spec?.Selector is { } s ? Selector(s) : null,
            "StatefulSet" => (await calls.TryAsync("statefulset", ct => client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct)))?.Spec?.Selector is { } s ? Selector(s) : null,
            "DaemonSet" => (await calls.TryAsync("daemonset", ct => client.AppsV1.ReadNamespacedDaemonSetAsync(name, ns, cancellationToken: ct)))?.Spec?.Selector is { } s ? Selector(s) : null,
            "ReplicaSet" => (await calls.TryAsync("replicaset", ct => client.AppsV1.ReadNamespacedReplicaSetAsync(name, ns, cancellationToken: ct)))?.Spec?.Selector is { } s ? Selector(s) : null,
            "Job" => (await calls.TryAsync("job", ct => client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: ct))) is { } job ? $"job-name={job.Metadata.Name}" : null,
            "CronJob" => await CronJobSelectorAsync(client, ns, name, calls),
            _ => null,
        };
        if (selector is null)
        {
            return null;
        }

        return await FromSelectorAsync(client, ns, selector, query, calls)
            ?? new KubeTarget(new ObjectRef(kind, ns, name), ns, null, null, null, [], $"{kind} {ns}/{name} has no pods.", calls.Gaps);
    }

    private static async Task<string?> CronJobSelectorAsync(IKubernetes client, string ns, string name, KubeCalls calls)
    {
        var jobs = await calls.TryAsync("jobs", ct => client.BatchV1.ListNamespacedJobAsync(ns, cancellationToken: ct));
        var latest = jobs?.Items.Where(j => j.Metadata.OwnerReferences?.Any(o => o.Kind == "CronJob" && o.Name == name) == true)
            .OrderByDescending(j => j.Metadata.CreationTimestamp).FirstOrDefault();
        return latest is null ? null : $"job-name={latest.Metadata.Name}";
    }

    private static async Task<KubeTarget?> FromSelectorAsync(IKubernetes client, string ns, string selector, TargetQuery query, KubeCalls calls)
    {
        var pods = await calls.TryAsync("pods", ct => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct));
        if (pods is null || pods.Items.Count == 0)
        {
            return null;
        }

        var chosen = FailingPodPicker.Pick(pods.Items)!;
        return ForPod(chosen, query.Container, pods.Items.ToList(), null, calls);
    }

    private static KubeTarget ForPod(V1Pod pod, string? container, IReadOnlyList<V1Pod> siblings, string? note, KubeCalls calls) =>
        new(ObjectRef.Pod(pod.Metadata.NamespaceProperty, pod.Metadata.Name), pod.Metadata.NamespaceProperty, pod,
            FailingPodPicker.FocusContainer(pod, container), pod.Spec?.NodeName, siblings, note, calls.Gaps);

    private static KubeTarget NotFound(TargetQuery query, KubeCalls calls, string note) =>
        new(null, query.Namespace, null, null, query.Node, [], $"Looked for {query.Describe()}: {note}.", calls.Gaps);

    private static IEnumerable<(string Kind, string Name)> GuessOwners(string podName, TargetQuery query)
    {
        if (query.WorkloadName is { } named)
        {
            yield return (query.WorkloadKind ?? "Deployment", named);
        }

        if (TargetKey.GuessWorkload(podName) is { } guess)
        {
            yield return guess;
        }

        if (DaemonSetOrJobPod().Match(podName) is { Success: true } ds)
        {
            yield return ("DaemonSet", ds.Groups["name"].Value);
        }
    }

    public static string Selector(V1LabelSelector selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            parts.Add($"{key}={value}");
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? [])})",
                "Exists" => e.Key,
                _ => $"!{e.Key}",
            });
        }

        return string.Join(",", parts);
    }

    public static string Selector(IDictionary<string, string> labels) => string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}"));
}
