using k8s;
using Klarsicht.Core.Investigations;
using Klarsicht.Storage.Investigations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klarsicht.Api.Health;

/// <summary>Liveness, readiness (each dependency reported) and nothing else.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthReport("ok", []))).WithTags("Health").WithName("Healthz");
        app.MapGet("/readyz", ReadyAsync).WithTags("Health").WithName("Readyz").Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> ReadyAsync(IInvestigationStore store, IKubernetes kubernetes, IMetricsCollector metrics, CancellationToken cancellationToken)
    {
        var storage = CheckAsync("storage", ct => store.PingAsync(ct), cancellationToken);
        var cluster = CheckAsync("kubernetes", ct => kubernetes.Version.GetCodeAsync(ct), cancellationToken);
        await Task.WhenAll(storage, cluster).ConfigureAwait(false);
        var checks = new List<DependencyState>
        {
            storage.Result,
            cluster.Result,
            new("prometheus", metrics.IsConfigured ? "configured" : "not configured", metrics.IsConfigured ? null : "Klarsicht__Prometheus__Url is unset: RCAs say metrics were not consulted"),
        };

        // Only storage decides readiness: without the cluster or Prometheus, RCAs still complete with gaps.
        var report = new HealthReport(storage.Result.State == "up" ? "ready" : "not ready", checks);
        return storage.Result.State == "up" ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<DependencyState> CheckAsync(string name, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await check(deadline.Token).ConfigureAwait(false);
            return new DependencyState(name, "up", null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DependencyState(name, "down", e is OperationCanceledException ? "timed out after 2s" : e.GetType().Name);
        }
    }
}

public sealed record HealthReport(string Status, IReadOnlyList<DependencyState> Dependencies);

public sealed record DependencyState(string Name, string State, string? Detail);
