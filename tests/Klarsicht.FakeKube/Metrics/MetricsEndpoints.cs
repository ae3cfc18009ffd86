using Klarsicht.FakeKube.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Klarsicht.FakeKube.Metrics;

internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapPodMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", context => ResponseWriter.WriteTextAsync(context,
            ResourceEndpoints.Store(context).Current.MetricsText, "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
