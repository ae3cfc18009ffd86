using System.Net;
using k8s.Autorest;

namespace Klarsicht.Kubernetes;

/// <summary>
/// Runs one API call with its own deadline. A 404 is "absent" (null); 403, 5xx and timeouts become a
/// recorded gap, never an exception that ends the investigation.
/// </summary>
internal sealed class KubeCalls(TimeSpan timeout, CancellationToken cancellationToken)
{
    private readonly List<string> _gaps = [];

    public IReadOnlyList<string> Gaps
    {
        get
        {
            lock (_gaps)
            {
                return _gaps.Distinct().ToList();
            }
        }
    }

    public void Gap(string gap)
    {
        lock (_gaps)
        {
            _gaps.Add(gap);
        }
    }

    public async Task<T?> TryAsync<T>(string what, Func<CancellationToken, Task<T>> call)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            Gap($"{what}: forbidden by RBAC ({(int)e.Response.StatusCode})");
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.BadRequest)
        {
            // The log endpoint answers 400 for a container that has no previous instance or never started.
            return null;
        }
        catch (HttpOperationException e)
        {
            Gap($"{what}: the API server answered {(int?)e.Response?.StatusCode ?? 0}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Gap($"{what}: timed out after {timeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException e)
        {
            Gap($"{what}: API server unreachable ({e.HttpRequestError})");
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            Gap($"{what}: no usable kubeconfig ({e.Message})");
        }

        return null;
    }
}
