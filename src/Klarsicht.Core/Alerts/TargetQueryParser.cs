namespace Klarsicht.Core.Alerts;

/// <summary>
/// Reads the investigation target from alert labels, tolerating the spellings of kube-prometheus-stack,
/// kube-state-metrics and Grafana rules over relabelled metrics.
/// </summary>
public static class TargetQueryParser
{
    private static readonly string[] NamespaceKeys = ["exported_namespace", "namespace", "kubernetes_namespace", "k8s_namespace_name"];
    private static readonly string[] PodKeys = ["exported_pod", "pod", "kubernetes_pod_name", "pod_name", "k8s_pod_name"];
    private static readonly string[] ContainerKeys = ["exported_container", "container", "kubernetes_container_name", "container_name", "k8s_container_name"];
    private static readonly string[] AppKeys = ["app_kubernetes_io_name", "app", "app_kubernetes_io_instance", "k8s_app"];

    private static readonly (string Key, string Kind)[] WorkloadKeys =
    [
        ("deployment", "Deployment"),
        ("statefulset", "StatefulSet"),
        ("daemonset", "DaemonSet"),
        ("job_name", "Job"),
        ("cronjob", "CronJob"),
        ("replicaset", "ReplicaSet"),
        ("k8s_deployment_name", "Deployment"),
        ("k8s_statefulset_name", "StatefulSet"),
        ("k8s_daemonset_name", "DaemonSet"),
    ];

    // exported_* spellings win: Prometheus renames a metric's own label to exported_X when the scrape target
    // carries a label of the same name, so exported_X is the monitored object and X is the exporter.
    public static TargetQuery Parse(IReadOnlyDictionary<string, string> labels)
    {
        var ns = First(labels, NamespaceKeys);
        var pod = First(labels, PodKeys);
        var container = First(labels, ContainerKeys);

        // Alerts on series that kube-state-metrics exports about a workload (KubeDeploymentReplicasMismatch, …)
        // keep the exporter's own scrape labels: pod and container then name kube-state-metrics, not the target.
        if (IsExporterScrapeLabel(labels, pod, container))
        {
            pod = null;
            container = null;
        }

        string? workloadKind = null, workloadName = null;
        foreach (var (key, kind) in WorkloadKeys)
        {
            if (Value(labels, key) is { } name)
            {
                workloadKind = kind;
                workloadName = name;
                break;
            }
        }

        // `job` is a Prometheus scrape label far more often than a Kubernetes Job; only KubeJob* alerts mean the latter.
        if (workloadName is null && Value(labels, "job") is { } job
            && Value(labels, "alertname") is { } alertName && alertName.StartsWith("KubeJob", StringComparison.Ordinal))
        {
            workloadKind = "Job";
            workloadName = job;
        }

        var service = Value(labels, "service");
        if (service is not null && IsScrapeService(labels, service))
        {
            service = null;
        }

        return new TargetQuery(
            ns,
            pod,
            container,
            workloadKind,
            workloadName,
            service,
            First(labels, ["node", "kubernetes_node", "k8s_node_name", "nodename"]),
            First(labels, AppKeys));
    }

    private static bool IsExporterScrapeLabel(IReadOnlyDictionary<string, string> labels, string? pod, string? container) =>
        container == "kube-state-metrics"
        || (pod is not null && pod.Contains("kube-state-metrics", StringComparison.Ordinal));

    // kube-prometheus-stack adds `service` as a scrape label naming the exporter's Service (kube-state-metrics,
    // kubelet, node-exporter). Such a label says where the metric came from, not what is broken.
    private static bool IsScrapeService(IReadOnlyDictionary<string, string> labels, string service) =>
        service.Contains("kube-state-metrics", StringComparison.Ordinal)
        || service.EndsWith("-kubelet", StringComparison.Ordinal)
        || service.Contains("node-exporter", StringComparison.Ordinal)
        || service.Contains("prometheus", StringComparison.Ordinal)
        || (Value(labels, "job") is { } job && job == service && labels.ContainsKey("endpoint"));

    private static string? First(IReadOnlyDictionary<string, string> labels, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (Value(labels, key) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Value(IReadOnlyDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
