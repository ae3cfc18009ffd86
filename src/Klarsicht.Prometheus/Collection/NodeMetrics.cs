using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;

namespace Klarsicht.Prometheus.Collection;

/// <summary>
/// The queries about one node, asked once however many subjects run on it. The facts are repeated for each
/// subject on the node, carrying that subject's namespace and pod, so that they travel with the pod's evidence.
/// </summary>
internal sealed class NodeMetrics
{
    private const int MaxNamed = 5;

    private readonly string _node;
    private readonly Query _conditions;
    private readonly Query _oomKills;

    private NodeMetrics(QueryBatch batch, string node, QueryWindow window)
    {
        _node = node;
        _conditions = Query.Range(batch, $"conditions of node {node}", PromQl.NodeConditions(node), window);
        _oomKills = Query.Instant(batch, $"OOM kills on node {node}", PromQl.NodeOomKills(node, window.Range), window.To);
    }

    public static NodeMetrics Start(QueryBatch batch, string node, QueryWindow window) => new(batch, node, window);

    public Task Completion => Task.WhenAll(_conditions.Answer, _oomKills.Answer);

    /// <summary>Facts for <paramref name="subject"/>; <paramref name="subjectsOnNode"/> are not "other" pods.</summary>
    public IEnumerable<MetricFact> Facts(MetricSubject subject, IReadOnlyCollection<(string Namespace, string Pod)> subjectsOnNode)
    {
        foreach (var (condition, samples) in Series.By("condition", _conditions.Found).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // kube_node_status_condition{status="true"} is 1 while the condition holds: bad for pressures, good for Ready.
            var ready = condition == "Ready";
            var bad = samples.Where(s => ready ? s.Value == 0 : s.Value == 1).ToList();
            if (bad.Count == 0)
            {
                continue;
            }

            var (first, last) = (bad[0].Time, bad[^1].Time);
            var span = first == last ? $"at {Phrases.Time(first)}" : $"from {Phrases.Time(first)} to {Phrases.Time(last)}";
            var summary = ready ? $"Node {_node} was not Ready {span}" : $"Node {_node} reported {condition} {span}";
            yield return new MetricFact(MetricKind.NodeCondition, subject.Namespace, subject.Pod, condition, ready ? 0 : 1, null, first,
                _conditions.PromQl, summary);
        }

        var others = (_oomKills.Found ?? [])
            .Select(s => (Namespace: s.Label("namespace"), Pod: s.Label("pod"), Container: s.Label("container")))
            .Where(k => !subjectsOnNode.Contains((k.Namespace, k.Pod)))
            .GroupBy(k => $"{k.Namespace}/{k.Pod}", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (others.Count > 0)
        {
            var named = string.Join(", ", others.Take(MaxNamed).Select(g => $"{g.Key} ({string.Join(", ", g.Select(k => k.Container).Distinct().Order(StringComparer.Ordinal))})"));
            var more = others.Count > MaxNamed ? $" and {others.Count - MaxNamed} more" : "";
            var pods = others.Count == 1 ? "1 other pod" : $"{others.Count} other pods";
            yield return new MetricFact(MetricKind.NodeOomKills, subject.Namespace, subject.Pod, null, others.Count, null, null, _oomKills.PromQl,
                $"{pods} on node {_node} {(others.Count == 1 ? "was" : "were")} OOM-killed and restarted in the window: {named}{more}");
        }
    }
}
