using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>The node a pod runs on: conditions, taints, allocatable, and whether other pods on it fail too.</summary>
internal sealed class NodeCollector(IKubernetes client)
{
    /// <summary>A node on its own, for node-level alerts (KubeNodeNotReady).</summary>
    public async Task<SubjectEvidence> SubjectAsync(string nodeName, KubeCalls calls)
    {
        var (facts, events) = await CollectAsync(nodeName, calls).ConfigureAwait(false);
        return new SubjectEvidence(ObjectRef.Node(nodeName), null, null, null, null, events, [], facts, [], [], [], [], SiblingFacts.None);
    }

    public async Task<NodeFacts> FactsAsync(V1Node node, KubeCalls calls)
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

    /// <summary>The pod's node with its own events (node events live in namespace default).</summary>
    public async Task<(NodeFacts? Facts, List<EventFact> Events)> CollectAsync(string? nodeName, KubeCalls calls)
    {
        if (nodeName is null)
        {
            return (null, []);
        }

        var node = calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
        var events = calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nodeName}", cancellationToken: ct));
        var facts = node.ContinueWith(async n => n.Result is { } found ? await FactsAsync(found, calls).ConfigureAwait(false) : null, TaskScheduler.Default).Unwrap();
        await Task.WhenAll(facts, events).ConfigureAwait(false);
        return (facts.Result, events.Result?.Items.Select(ObjectMapper.Event).ToList() ?? []);
    }

    /// <summary>
    /// Nodes that are NotReady or under pressure, with their events: for a pod the scheduler cannot place, the
    /// node whose taint keeps it out may be the root.
    /// </summary>
    public async Task<(List<NodeFacts> Nodes, List<EventFact> Events)> TroubledNodesAsync(KubeCalls calls)
    {
        var nodes = await calls.TryAsync("nodes", ct => client.CoreV1.ListNodeAsync(cancellationToken: ct)).ConfigureAwait(false);
        var troubled = nodes?.Items
            .Where(x => x.Status?.Conditions?.Any(c => (c.Type == "Ready" && c.Status != "True") || (c.Type != "Ready" && c.Status == "True" && c.Type.EndsWith("Pressure", StringComparison.Ordinal))) == true)
            .Select(x => ObjectMapper.Node(x, 0, []))
            .ToList() ?? [];
        var events = await Task.WhenAll(troubled.Select(n => calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={n.Name}", cancellationToken: ct)))).ConfigureAwait(false);
        return (troubled, events.SelectMany(e => e?.Items.Select(ObjectMapper.Event) ?? []).ToList());
    }
}
