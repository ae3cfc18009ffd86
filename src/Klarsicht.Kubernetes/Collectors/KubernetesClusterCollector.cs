using k8s;
using k8s.Models;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;
using Microsoft.Extensions.Options;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>
/// Collects the Kubernetes evidence of an investigation. Independent calls run concurrently, each with its
/// own deadline; for a single pod the critical path is three dependent round trips (pod; owner, events,
/// logs, node, claims, services; deployment and rollout history).
/// </summary>
public sealed class KubernetesClusterCollector : IClusterCollector
{
    private readonly IKubernetes client;
    private readonly KubernetesOptions _options;
    private readonly OwnerCollector _owners;
    private readonly LogCollector _logs;
    private readonly NodeCollector _nodes;
    private readonly VolumeCollector _volumes;
    private readonly DependencyCollector _dependencies;

    public KubernetesClusterCollector(IKubernetes client, IOptions<KubernetesOptions> options)
    {
        this.client = client;
        _options = options.Value;
        _owners = new OwnerCollector(client);
        _logs = new LogCollector(client, _options);
        _nodes = new NodeCollector(client);
        _volumes = new VolumeCollector(client);
        _dependencies = new DependencyCollector(client, _options);
    }

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
            subject = await _nodes.SubjectAsync(node.Name, calls).ConfigureAwait(false);
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

        var owner = _owners.CollectAsync(pod, calls);
        var events = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}", cancellationToken: ct));
        var logs = _logs.CollectAsync(pod, focus, calls);
        var node = nodeName is null ? Task.FromResult<V1Node?>(null) : calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
        var nodeEvents = nodeName is null ? Task.FromResult<Corev1EventList?>(null)
            : calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nodeName}", cancellationToken: ct));
        var claims = _volumes.CollectAsync(pod, calls);
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

        var nodeFacts = node.Result is { } n ? await _nodes.FactsAsync(n, calls).ConfigureAwait(false) : null;
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
            ? await _dependencies.CollectAsync(pod, logs.Result, serviceList, depth, visited, calls, (p, s, d, v, c) => CollectPodAsync(p, null, s, d, v, c)).ConfigureAwait(false)
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

}
