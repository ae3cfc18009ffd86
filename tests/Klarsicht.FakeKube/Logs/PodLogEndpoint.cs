using System.Globalization;
using Klarsicht.FakeKube.Api;
using Klarsicht.FakeKube.Resources;
using Klarsicht.FakeKube.Store;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.FakeKube.Logs;

/// <summary>
/// <c>GET /api/v1/namespaces/{ns}/pods/{name}/log</c> with the API server's container checks and the kubelet's
/// answers for containers whose log the scenario does not hold (see FORMAT.md, <c>logs</c>).
/// </summary>
internal static class PodLogEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var ns = ResourceEndpoints.Route(context, "ns");
        var name = ResourceEndpoints.Route(context, "name");
        if (ResourceEndpoints.Route(context, "version") != "v1")
        {
            await FallbackEndpoints.NotFoundAsync(context);
            return;
        }

        var snapshot = ResourceEndpoints.Store(context).Current;
        if (snapshot.Get(KubeResources.Pods, ns, name)?.Pod is not { } pod)
        {
            await KubeStatus.NotFoundAsync(context, "pods", "", "pods", name);
            return;
        }

        var query = context.Request.Query;
        var previous = ResourceEndpoints.IsTrue(query["previous"]);
        var result = Resolve(snapshot, pod, query["container"].ToString(), previous);
        if (result.Error is not null)
        {
            await KubeStatus.BadRequestAsync(context, result.Error);
            return;
        }

        ReadOnlyMemory<byte> body = result.Log ?? [];
        if (int.TryParse(query["tailLines"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tail) && tail >= 0)
        {
            body = Tail(body, tail);
        }

        if (long.TryParse(query["limitBytes"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit > 0 && limit < body.Length)
        {
            body = body[..(int)limit];
        }

        await ResponseWriter.WriteTextAsync(context, body, "text/plain");
    }

    private readonly record struct LogResult(byte[]? Log, string? Error);

    private static LogResult Resolve(StoreSnapshot snapshot, PodInfo pod, string container, bool previous)
    {
        // The API server's checks (pkg/registry/core/pod LogLocation).
        if (container.Length == 0)
        {
            switch (pod.Containers.Count)
            {
                case 1:
                    container = pod.Containers[0];
                    break;
                case 0:
                    return new LogResult(null, $"a container name must be specified for pod {pod.Name}");
                default:
                    var error = $"a container name must be specified for pod {pod.Name}, choose one of: [{string.Join(' ', pod.Containers)}]";
                    if (pod.InitContainers.Count > 0)
                    {
                        error += $" or one of the init containers: [{string.Join(' ', pod.InitContainers)}]";
                    }

                    return new LogResult(null, error);
            }
        }
        else if (!pod.Containers.Contains(container) && !pod.InitContainers.Contains(container))
        {
            return new LogResult(null, $"container {container} is not valid for pod {pod.Name}");
        }

        if (string.IsNullOrEmpty(pod.NodeName))
        {
            return new LogResult(null, $"pod {pod.Name} does not have a host assigned");
        }

        // The kubelet's answers (validateContainerLogStatus), with the scenario's log entries as the log files.
        if (previous)
        {
            return snapshot.Log(pod.Namespace, pod.Name, container, previous: true) is { } last
                ? new LogResult(last, null)
                : new LogResult(null, $"previous terminated container \"{container}\" in pod \"{pod.Name}\" not found");
        }

        if (snapshot.Log(pod.Namespace, pod.Name, container, previous: false) is { } current)
        {
            return new LogResult(current, null);
        }

        if (!pod.Statuses.TryGetValue(container, out var status))
        {
            return new LogResult(null, $"container \"{container}\" in pod \"{pod.Name}\" is waiting to start: ContainerCreating");
        }

        return status.State switch
        {
            ContainerStateKind.Running or ContainerStateKind.Terminated => new LogResult([], null),
            // Waiting after a crash: the kubelet serves the last terminated instance.
            _ when status.HasLastTerminated => new LogResult(snapshot.Log(pod.Namespace, pod.Name, container, previous: true) ?? [], null),
            _ => new LogResult(null, $"container \"{container}\" in pod \"{pod.Name}\" is waiting to start: {WaitingMessage(status.WaitingReason)}"),
        };
    }

    private static string WaitingMessage(string? reason) => reason switch
    {
        "ErrImagePull" => "image can't be pulled",
        "ImagePullBackOff" => "trying and failing to pull image",
        null or "" => "ContainerCreating",
        _ => reason,
    };

    /// <summary>The last <paramref name="lines"/> lines; a final newline ends the last line rather than starting a new one.</summary>
    internal static ReadOnlyMemory<byte> Tail(ReadOnlyMemory<byte> log, int lines)
    {
        if (lines == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var span = log.Span;
        var i = span.Length - 1;
        if (i >= 0 && span[i] == (byte)'\n')
        {
            i--;
        }

        var seen = 0;
        for (; i >= 0; i--)
        {
            if (span[i] == (byte)'\n' && ++seen == lines)
            {
                return log[(i + 1)..];
            }
        }

        return log;
    }
}
