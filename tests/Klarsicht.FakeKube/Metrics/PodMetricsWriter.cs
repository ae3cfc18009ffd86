using System.Globalization;
using System.Text;
using Klarsicht.FakeKube.Store;

namespace Klarsicht.FakeKube.Metrics;

/// <summary>
/// kube-state-metrics-style series for the served pods, in the Prometheus text format, so that a real Prometheus
/// scraping the fake sees the same incident the API shows. No job/instance labels: Prometheus adds them.
/// </summary>
internal static class PodMetricsWriter
{
    private static readonly string[] Phases = ["Pending", "Succeeded", "Failed", "Unknown", "Running"];

    public static string Render(IEnumerable<StoredObject> pods)
    {
        var podInfos = pods.Select(p => p.Pod).OfType<PodInfo>().ToList();
        var text = new StringBuilder();

        Family(text, "kube_pod_container_status_waiting_reason", "gauge", "Describes the reason the container is currently in waiting state.");
        foreach (var (pod, c) in Containers(podInfos).Where(x => x.Status.State == ContainerStateKind.Waiting && x.Status.WaitingReason is not null))
        {
            Sample(text, "kube_pod_container_status_waiting_reason", pod, c.Name, ("reason", c.WaitingReason!), 1);
        }

        Family(text, "kube_pod_container_status_restarts_total", "counter", "The number of container restarts per container.");
        foreach (var (pod, c) in Containers(podInfos))
        {
            Sample(text, "kube_pod_container_status_restarts_total", pod, c.Name, null, c.RestartCount);
        }

        Family(text, "kube_pod_container_status_last_terminated_reason", "gauge", "Describes the last reason the container was in terminated state.");
        foreach (var (pod, c) in Containers(podInfos).Where(x => x.Status.LastTerminatedReason is not null))
        {
            Sample(text, "kube_pod_container_status_last_terminated_reason", pod, c.Name, ("reason", c.LastTerminatedReason!), 1);
        }

        Family(text, "kube_pod_container_status_ready", "gauge", "Describes whether the containers readiness check succeeded.");
        foreach (var (pod, c) in Containers(podInfos))
        {
            Sample(text, "kube_pod_container_status_ready", pod, c.Name, null, c.Ready ? 1 : 0);
        }

        Family(text, "kube_pod_status_phase", "gauge", "The pods current phase.");
        foreach (var pod in podInfos)
        {
            foreach (var phase in Phases)
            {
                text.Append("kube_pod_status_phase{namespace=\"").Append(Escape(pod.Namespace))
                    .Append("\",pod=\"").Append(Escape(pod.Name))
                    .Append("\",phase=\"").Append(phase).Append("\"} ")
                    .Append(pod.Phase == phase ? '1' : '0').Append('\n');
            }
        }

        return text.ToString();
    }

    // Regular containers only, as kube-state-metrics' kube_pod_container_* families (init containers have their own).
    private static IEnumerable<(PodInfo Pod, ContainerInfo Status)> Containers(IEnumerable<PodInfo> pods) =>
        pods.SelectMany(p => p.Statuses.Values.Where(s => !s.IsInit).Select(s => (p, s)));

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, PodInfo pod, string container, (string Name, string Value)? extra, long value)
    {
        text.Append(name).Append("{namespace=\"").Append(Escape(pod.Namespace))
            .Append("\",pod=\"").Append(Escape(pod.Name))
            .Append("\",container=\"").Append(Escape(container)).Append('"');
        if (extra is { } label)
        {
            text.Append(',').Append(label.Name).Append("=\"").Append(Escape(label.Value)).Append('"');
        }

        text.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
