using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Mapping;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>The PersistentVolumeClaims a pod mounts, with their phase and events.</summary>
internal sealed class VolumeCollector(IKubernetes client)
{
    public async Task<(List<VolumeClaimFacts> Claims, List<EventFact> Events)> CollectAsync(V1Pod pod, KubeCalls calls)
    {
        var names = pod.Spec?.Volumes?.Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim.ClaimName).Distinct().ToList() ?? [];
        if (names.Count == 0)
        {
            return ([], []);
        }

        var ns = pod.Metadata.NamespaceProperty;
        var claims = names.Select(n => calls.TryAsync("persistentvolumeclaim", ct => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(n, ns, cancellationToken: ct))).ToList();
        var events = names.Select(n => calls.TryAsync("claim events", ct => client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={n}", cancellationToken: ct))).ToList();
        await Task.WhenAll(claims.Cast<Task>().Concat(events)).ConfigureAwait(false);
        return (claims.Select(c => c.Result).OfType<V1PersistentVolumeClaim>().Select(ObjectMapper.Claim).ToList(),
            events.SelectMany(e => e.Result?.Items.Select(ObjectMapper.Event) ?? []).ToList());
    }
}
