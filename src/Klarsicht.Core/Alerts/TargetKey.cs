using System.Text.RegularExpressions;

namespace Klarsicht.Core.Alerts;

/// <summary>
/// The workload an alert is about, as a string key: alerts with the same key while an investigation is
/// open join it (KubePodCrashLooping, KubePodNotReady and KubeContainerWaiting of one pod make one RCA).
/// </summary>
public static partial class TargetKey
{
    [GeneratedRegex(@"^(?<name>.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentPod();

    [GeneratedRegex(@"^(?<name>.+)-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex StatefulSetPod();

    public static string For(TargetQuery query, string fallback)
    {
        var ns = query.Namespace ?? "-";
        if (query.WorkloadName is { } workload)
        {
            return $"{ns}/{query.WorkloadKind ?? "Deployment"}/{workload}";
        }

        if (query.Pod is { } pod)
        {
            return GuessWorkload(pod) is { } guess ? $"{ns}/{guess.Kind}/{guess.Name}" : $"{ns}/Pod/{pod}";
        }

        if (query.Service is { } service)
        {
            return $"{ns}/Service/{service}";
        }

        if (query.AppLabel is { } app)
        {
            return $"{ns}/App/{app}";
        }

        return query.Node is { } node ? $"Node/{node}" : $"{ns}/Alert/{fallback}";
    }

    /// <summary>The controller a pod name suggests: <c>api-7d9f8b6c4-x2k9p</c> → Deployment api, <c>db-0</c> → StatefulSet db.</summary>
    public static (string Kind, string Name)? GuessWorkload(string pod)
    {
        if (DeploymentPod().Match(pod) is { Success: true } d)
        {
            return ("Deployment", d.Groups["name"].Value);
        }

        if (StatefulSetPod().Match(pod) is { Success: true } s)
        {
            return ("StatefulSet", s.Groups["name"].Value);
        }

        return null;
    }
}
