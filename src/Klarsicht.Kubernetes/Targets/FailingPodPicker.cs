using k8s.Models;

namespace Klarsicht.Kubernetes.Targets;

/// <summary>Among a workload's pods, the one to investigate: the most clearly failing, then the most restarted.</summary>
internal static class FailingPodPicker
{
    public static V1Pod? Pick(IEnumerable<V1Pod> pods) =>
        pods.OrderByDescending(Severity)
            .ThenByDescending(Restarts)
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    public static bool IsFailing(V1Pod pod) => Severity(pod) > 0;

    private static int Severity(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null && pod.Status?.Phase != "Running")
        {
            return 0;
        }

        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).ToList();
        if (pod.Status?.Phase == "Succeeded")
        {
            return 0;
        }

        if (statuses.Any(s => s.State?.Waiting?.Reason is { } r && r is not ("ContainerCreating" or "PodInitializing")))
        {
            return 5;
        }

        if (pod.Status?.Phase == "Failed")
        {
            return 4;
        }

        if (statuses.Any(s => s.State?.Terminated is { ExitCode: not 0 }))
        {
            return 4;
        }

        if (pod.Status?.Phase == "Pending")
        {
            return 3;
        }

        if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status != "True") == true)
        {
            return 2;
        }

        return statuses.Any(s => s.RestartCount > 0) ? 1 : 0;
    }

    private static int Restarts(V1Pod pod) =>
        (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).Sum(s => s.RestartCount);

    /// <summary>The container to look at: the one the alert names if it fails, else the failing one (init first).</summary>
    public static string? FocusContainer(V1Pod pod, string? named)
    {
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Select(s => (s, init: true))
            .Concat((pod.Status?.ContainerStatuses ?? []).Select(s => (s, init: false))).ToList();
        bool Failing(V1ContainerStatus s) =>
            s.State?.Waiting?.Reason is { } r && r is not ("ContainerCreating" or "PodInitializing")
            || s.State?.Terminated is { ExitCode: not 0 }
            || (s.RestartCount > 0 && s.State?.Running is null)
            || (s.State?.Running is not null && !s.Ready);

        if (named is not null && statuses.Any(x => x.s.Name == named && Failing(x.s)))
        {
            return named;
        }

        var failing = statuses.Where(x => Failing(x.s)).OrderByDescending(x => x.init && x.s.State?.Running is null).ThenByDescending(x => x.s.RestartCount).Select(x => x.s.Name).FirstOrDefault();
        if (failing is not null)
        {
            return failing;
        }

        if (named is not null && (pod.Spec?.Containers?.Any(c => c.Name == named) == true || pod.Spec?.InitContainers?.Any(c => c.Name == named) == true))
        {
            return named;
        }

        return pod.Spec?.Containers?.FirstOrDefault()?.Name;
    }
}
