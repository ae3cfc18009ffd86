using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Mapping;
using Klarsicht.Kubernetes.Targets;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>The node a pod runs on: conditions, taints, allocatable, and whether other pods on it fail too.</summary>
internal sealed class NodeCollector(IKubernetes client)
{
    public async Task<SubjectEvidence> SubjectAsync(string nodeName, KubeCalls calls)
    {
        var node = calls.TryAsync("node", ct => client.CoreV1.ReadNodeAsync(nodeName, cancellationToken: ct));
        var events = calls.TryAsync("node events", ct => client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.kind=Node,involvedObject.name={nodeName}", cancellationToken: ct));
        await Task.WhenAll(node, events).ConfigureAwait(false);
        var facts = node.Result is { } n ? await FactsAsync(n, calls).ConfigureAwait(false) : null;
        return new SubjectEvidence(ObjectRef.Node(nodeName), null, null, null, null, events.Result?.Items.Select(ObjectMapper.Event).ToList() ?? [], [], facts, [], [], [], [], SiblingFacts.None);
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
}
