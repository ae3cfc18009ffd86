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

        return new ClusterEvidence(subject is null ? null : WithinWindow(subject, since), calls.Gaps);
    }

    // Events older than the investigation window are history, not evidence (events with no time are kept).
    private static SubjectEvidence WithinWindow(SubjectEvidence subject, DateTimeOffset since) => subject with
    {
        Events = subject.Events.Where(e => (e.LastSeen ?? e.FirstSeen) is not { } at || at >= since).ToList(),
        Dependencies = subject.Dependencies.Select(d => d.Backend is null ? d : d with { Backend = WithinWindow(d.Backend, since) }).ToList(),
    };

    private async Task<SubjectEvidence> CollectPodAsync(V1Pod pod, string? focus, IReadOnlyList<V1Pod> siblings, int depth, HashSet<string> visited, KubeCalls calls)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        visited.Add($"{ns}/{name}");
        focus ??= FailingPodPicker.FocusContainer(pod, null);
        var nodeName = pod.Spec?.NodeName;

        // Everything that does not depend on another call starts now; the dependent steps (node → pods on a
        // troubled node, services and logs → dependencies) chain inside their own tasks, so no step waits for an
        // unrelated one.
        var owner = _owners.CollectAsync(pod, calls);
        var events = calls.TryAsync("events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}", cancellationToken: ct));
        var logs = _logs.CollectAsync(pod, focus, calls);
        var node = _nodes.CollectAsync(nodeName, calls);
        var claims = _volumes.CollectAsync(pod, calls);
        var related = pod.Status?.Phase == "Pending" && nodeName is null
            ? _nodes.TroubledNodesAsync(calls)
            : Task.FromResult<(List<NodeFacts> Nodes, List<EventFact> Events)>(([], []));
        var siblingPods = siblings.Count > 0 || pod.Metadata.Labels?.TryGetValue("pod-template-hash", out _) != true
            ? Task.FromResult<V1PodList?>(null)
            : calls.TryAsync("sibling pods", ct => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"pod-template-hash={pod.Metadata.Labels["pod-template-hash"]}", cancellationToken: ct));
        var dependencies = depth < _options.DependencyDepth ? DependenciesAsync() : Task.FromResult<List<DependencyEvidence>>([]);

        await Task.WhenAll(owner, events, logs, node, claims, related, siblingPods, dependencies).ConfigureAwait(false);

        var (workload, ownerEvents) = owner.Result;
        var allEvents = new List<EventFact>();
        allEvents.AddRange(events.Result?.Items.Select(ObjectMapper.Event) ?? []);
        allEvents.AddRange(ownerEvents);
        allEvents.AddRange(node.Result.Events);
        allEvents.AddRange(claims.Result.Events);
        allEvents.AddRange(related.Result.Events);

        var podFacts = PodMapper.Map(pod);
        var siblingList = siblings.Count > 0 ? siblings : siblingPods.Result?.Items.ToList() ?? [];
        var siblingFacts = siblingList.Count == 0
            ? SiblingFacts.None
            : new SiblingFacts(siblingList.Count, siblingList.Count(FailingPodPicker.IsFailing), siblingList.Where(FailingPodPicker.IsFailing).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList());


        return new SubjectEvidence(
            podFacts.Ref,
            podFacts,
            focus,
            workload,
            null,
            allEvents.OrderByDescending(e => e.LastSeen ?? e.FirstSeen).ThenBy(e => e.Reason, StringComparer.Ordinal).ToList(),
            logs.Result,
            node.Result.Facts,
            related.Result.Nodes,
            claims.Result.Claims,
            [],
            dependencies.Result,
            siblingFacts);

        async Task<List<DependencyEvidence>> DependenciesAsync()
        {
            var services = await calls.TryAsync("services", ct => client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
            return services is null
                ? []
                : await _dependencies.CollectAsync(pod, await logs.ConfigureAwait(false), services, depth, visited, calls, (p, s, d, v, c) => CollectPodAsync(p, null, s, d, v, c)).ConfigureAwait(false);
        }
    }

}
