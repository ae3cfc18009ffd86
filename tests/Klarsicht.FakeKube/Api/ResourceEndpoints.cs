using Klarsicht.FakeKube.Logs;
using Klarsicht.FakeKube.Resources;
using Klarsicht.FakeKube.Selectors;
using Klarsicht.FakeKube.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Klarsicht.FakeKube.Api;

/// <summary>GET and LIST of the served resources, under /api/v1 and /apis/{group}/{version}, plus pod logs.</summary>
internal static class ResourceEndpoints
{
    public static IEndpointRouteBuilder MapKubeResources(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/{version}/{resource}", context => ListAsync(context, ""));
        app.MapGet("/api/{version}/{resource}/{name}", context => GetAsync(context, ""));
        app.MapGet("/api/{version}/namespaces/{ns}/{resource}", context => ListAsync(context, ""));
        app.MapGet("/api/{version}/namespaces/{ns}/{resource}/{name}", context => GetAsync(context, ""));
        app.MapGet("/api/{version}/namespaces/{ns}/pods/{name}/log", PodLogEndpoint.HandleAsync);
        app.MapGet("/apis/{group}/{version}/{resource}", context => ListAsync(context, Route(context, "group")));
        app.MapGet("/apis/{group}/{version}/{resource}/{name}", context => GetAsync(context, Route(context, "group")));
        app.MapGet("/apis/{group}/{version}/namespaces/{ns}/{resource}", context => ListAsync(context, Route(context, "group")));
        app.MapGet("/apis/{group}/{version}/namespaces/{ns}/{resource}/{name}", context => GetAsync(context, Route(context, "group")));
        return app;
    }

    internal static string Route(HttpContext context, string key) => context.Request.RouteValues[key] as string ?? "";

    internal static ObjectStore Store(HttpContext context) => context.RequestServices.GetRequiredService<ObjectStore>();

    private static KubeResource? Resolve(HttpContext context, string group)
    {
        var version = Route(context, "version");
        var groupVersion = group.Length == 0 ? version : $"{group}/{version}";
        return KubeResources.Find(groupVersion, Route(context, "resource"));
    }

    private static async Task ListAsync(HttpContext context, string group)
    {
        var resource = Resolve(context, group);
        var ns = context.Request.RouteValues["ns"] as string;
        if (resource is null || (ns is not null && !resource.Namespaced))
        {
            await FallbackEndpoints.NotFoundAsync(context);
            return;
        }

        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(context.Request.Query["labelSelector"]);
            fields = FieldSelector.Parse(context.Request.Query["fieldSelector"], resource);
        }
        catch (SelectorException ex)
        {
            await KubeStatus.BadRequestAsync(context, ex.Message);
            return;
        }

        if (IsTrue(context.Request.Query["watch"]))
        {
            await WatchAsync(context);
            return;
        }

        var snapshot = Store(context).Current;
        var all = snapshot.List(resource, resource.Namespaced ? ns : null);
        IReadOnlyList<byte[]> items;
        if (labels.IsEverything && fields.IsEverything)
        {
            items = all.Select(o => o.ItemJson).ToList();
        }
        else
        {
            items = all.Where(o => labels.Matches(o.Labels) && fields.Matches(o.Fields)).Select(o => o.ItemJson).ToList();
        }

        await ResponseWriter.WriteListAsync(context, resource.ListKind, resource.GroupVersion, snapshot.ResourceVersion, items);
    }

    private static async Task GetAsync(HttpContext context, string group)
    {
        var resource = Resolve(context, group);
        var ns = context.Request.RouteValues["ns"] as string;
        if (resource is null || (ns is null) == resource.Namespaced)
        {
            await FallbackEndpoints.NotFoundAsync(context);
            return;
        }

        var name = Route(context, "name");
        var stored = Store(context).Current.Get(resource, ns ?? "", name);
        if (stored is null)
        {
            await KubeStatus.NotFoundAsync(context, resource.QualifiedName, resource.Group, resource.Plural, name);
            return;
        }

        await ResponseWriter.WriteJsonAsync(context, stored.ObjectJson);
    }

    // Nothing ever changes, so a watch is an open stream without events until it times out, as on a quiet cluster.
    private static async Task WatchAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(timeout, linked.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server stops: end the stream.
        }
    }

    /// <summary>Go's strconv.ParseBool, which the API server uses for boolean query parameters.</summary>
    internal static bool IsTrue(string? value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";
}
