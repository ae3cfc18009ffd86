using System.Text;

namespace Klarsicht.Prometheus.Collection;

/// <summary>
/// The PromQL the collector runs. Every cAdvisor expression aggregates with <c>max by (namespace,pod,container)</c>:
/// each instance of a crashing container is its own series (new <c>id</c>/<c>name</c>), and the pod-level cgroup
/// (<c>container=""</c>) and pause container (<c>POD</c>) would count twice.
/// </summary>
public static class PromQl
{
    private const string By = "by (namespace,pod,container)";

    public static string MemoryWorkingSet(string ns, string pod, TimeSpan step) =>
        $"max {By} (max_over_time(container_memory_working_set_bytes{{{Containers(ns, pod)}}}[{QueryWindow.Duration(step)}]))";

    public static string MemoryBefore(string ns, string pod, TimeSpan lookBack) =>
        $"max {By} (max_over_time(container_memory_working_set_bytes{{{Containers(ns, pod)}}}[{QueryWindow.Duration(lookBack)}]))";

    /// <summary>The kube-state-metrics limit, or cAdvisor's where kube-state-metrics does not know the container (0 means none).</summary>
    public static string MemoryLimit(string ns, string pod, TimeSpan range)
    {
        var r = QueryWindow.Duration(range);
        return $"max {By} (max_over_time(kube_pod_container_resource_limits{{{Pod(ns, pod)},resource=\"memory\"}}[{r}]))"
            + $" or max {By} (max_over_time(container_spec_memory_limit_bytes{{{Containers(ns, pod)}}}[{r}]) > 0)";
    }

    public static string CpuUsage(string ns, string pod, TimeSpan rateRange) =>
        $"max {By} (rate(container_cpu_usage_seconds_total{{{Containers(ns, pod)}}}[{QueryWindow.Duration(rateRange)}]))";

    /// <summary>The kube-state-metrics limit in cores, or the CFS quota over the period.</summary>
    public static string CpuLimit(string ns, string pod, TimeSpan range)
    {
        var r = QueryWindow.Duration(range);
        return $"max {By} (max_over_time(kube_pod_container_resource_limits{{{Pod(ns, pod)},resource=\"cpu\"}}[{r}]))"
            + $" or max {By} ((max_over_time(container_spec_cpu_quota{{{Containers(ns, pod)}}}[{r}]) > 0)"
            + $" / max_over_time(container_spec_cpu_period{{{Containers(ns, pod)}}}[{r}]))";
    }

    /// <summary>
    /// Share of throttled CFS periods over a short range. Counters are summed across container instances, which
    /// weighs each by its periods; fewer than 10 periods (1 s of demand at 100 ms) is too little to call throttling.
    /// </summary>
    public static string CpuThrottling(string ns, string pod, TimeSpan rateRange)
    {
        var r = QueryWindow.Duration(rateRange);
        return $"sum {By} (increase(container_cpu_cfs_throttled_periods_total{{{Containers(ns, pod)}}}[{r}]))"
            + $" / (sum {By} (increase(container_cpu_cfs_periods_total{{{Containers(ns, pod)}}}[{r}])) > 10)";
    }

    /// <summary>Restarts in the window as the difference of the counter's extremes: exact, unlike <c>increase()</c>, which extrapolates.</summary>
    public static string Restarts(string ns, string pod, TimeSpan range)
    {
        var r = QueryWindow.Duration(range);
        var series = $"kube_pod_container_status_restarts_total{{{Pod(ns, pod)}}}";
        return $"max {By} (max_over_time({series}[{r}]) - min_over_time({series}[{r}]))";
    }

    public static string LastTerminatedReason(string ns, string pod) =>
        $"max by (namespace,pod,container,reason) (kube_pod_container_status_last_terminated_reason{{{Pod(ns, pod)}}} == 1)";

    public static string LastExitCode(string ns, string pod, TimeSpan range) =>
        $"max {By} (last_over_time(kube_pod_container_status_last_terminated_exitcode{{{Pod(ns, pod)}}}[{QueryWindow.Duration(range)}]))";

    public static string NodeConditions(string node) =>
        $"max by (node,condition) (kube_node_status_condition{{node=\"{Escape(node)}\",condition=~\"Ready|MemoryPressure|DiskPressure|PIDPressure\",status=\"true\"}})";

    /// <summary>
    /// Containers on the node whose last termination was an OOM kill and that restarted in the window: the reason
    /// alone stays set until the next termination, so it would also name pods killed days ago.
    /// </summary>
    public static string NodeOomKills(string node, TimeSpan range)
    {
        var r = QueryWindow.Duration(range);
        return $"max {By} (last_over_time(kube_pod_container_status_last_terminated_reason{{reason=\"OOMKilled\"}}[{r}]) == 1)"
            + $" and on (namespace,pod) max by (namespace,pod) (last_over_time(kube_pod_info{{node=\"{Escape(node)}\"}}[{r}]))"
            + $" and on (namespace,pod,container) (max {By} (max_over_time(kube_pod_container_status_restarts_total[{r}]) - min_over_time(kube_pod_container_status_restarts_total[{r}])) > 0)";
    }

    /// <summary>A PromQL double-quoted string body.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static string Pod(string ns, string pod) => $"namespace=\"{Escape(ns)}\",pod=\"{Escape(pod)}\"";

    private static string Containers(string ns, string pod) => $"{Pod(ns, pod)},container!=\"\",container!=\"POD\"";
}
