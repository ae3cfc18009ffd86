using System.Buffers;
using System.Text;
using k8s;
using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Redaction;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>Current and previous logs of the failing container, bounded by lines and bytes, redacted on read.</summary>
internal sealed class LogCollector(IKubernetes client, KubernetesOptions options)
{
    public async Task<List<ContainerLog>> CollectAsync(V1Pod pod, string? container, KubeCalls calls)
    {
        if (container is null)
        {
            return [];
        }

        var status = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).FirstOrDefault(s => s.Name == container);
        var hasPrevious = status is not null && (status.RestartCount > 0 || status.LastState?.Terminated is not null);
        var hasCurrent = status?.State?.Running is not null || status?.State?.Terminated is not null;
        var previous = hasPrevious ? ReadLogAsync(pod, container, true, calls) : Task.FromResult<ContainerLog?>(null);
        var current = hasCurrent || !hasPrevious ? ReadLogAsync(pod, container, false, calls) : Task.FromResult<ContainerLog?>(null);
        await Task.WhenAll(previous, current).ConfigureAwait(false);
        return new[] { previous.Result, current.Result }.OfType<ContainerLog>().ToList();
    }

    private async Task<ContainerLog?> ReadLogAsync(V1Pod pod, string container, bool previous, KubeCalls calls)
    {
        var text = await calls.TryAsync(previous ? "logs (previous)" : "logs", async ct =>
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, container: container, previous: previous,
                tailLines: options.LogTailLines, limitBytes: options.LogLimitBytes, cancellationToken: ct).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Rented: a fresh 256 KiB buffer per log read would land on the large-object heap every time.
            var buffer = ArrayPool<char>.Shared.Rent(options.LogLimitBytes);
            try
            {
                var read = await reader.ReadBlockAsync(buffer.AsMemory(0, options.LogLimitBytes), ct).ConfigureAwait(false);
                return new string(buffer, 0, read);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }).ConfigureAwait(false);
        if (text is null)
        {
            return null;
        }

        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var kept = new string[Math.Min(count, options.LogTailLines)];
        var offset = count - kept.Length;
        for (var i = 0; i < kept.Length; i++)
        {
            // Redacted before anything stores it: logs are where secrets leak most.
            kept[i] = SecretRedactor.Redact(lines[offset + i].TrimEnd('\r'));
        }

        return new ContainerLog(pod.Metadata.Name, container, previous, kept, offset > 0 || text.Length >= options.LogLimitBytes);
    }
}
