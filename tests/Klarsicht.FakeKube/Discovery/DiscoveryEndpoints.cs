using System.Text.Json;
using System.Text.Json.Nodes;
using Klarsicht.FakeKube.Api;
using Klarsicht.FakeKube.Resources;
using Klarsicht.FakeKube.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Klarsicht.FakeKube.Discovery;

/// <summary>
/// The legacy discovery documents (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/{group}/{version}</c>) and
/// <c>/version</c>: enough for kubectl to map <c>pods</c>, <c>deploy</c> or <c>ev</c> to a path. Answering plain
/// <c>application/json</c> makes kubectl fall back from aggregated discovery to these.
/// </summary>
internal static class DiscoveryEndpoints
{
    /// <summary>The Kubernetes version the fake claims to be.</summary>
    public const string GitVersion = "v1.33.4";

    private static readonly byte[] Version = ObjectIndexer.Serialize(new JsonObject
    {
        ["major"] = "1",
        ["minor"] = "33",
        ["emulationMajor"] = "1",
        ["emulationMinor"] = "33",
        ["minCompatibilityMajor"] = "1",
        ["minCompatibilityMinor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-08-12T17:31:58Z",
        ["goVersion"] = "go1.24.5",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    });

    private static readonly byte[] GroupList = ObjectIndexer.Serialize(new JsonObject
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups().Select(g => (JsonNode)ApiGroup(g)).ToArray()),
    });

    private static readonly Dictionary<string, byte[]> GroupDocuments = Groups().ToDictionary(
        g => g,
        g => ObjectIndexer.Serialize(ApiGroup(g).Also(o => { o["kind"] = "APIGroup"; o["apiVersion"] = "v1"; })),
        StringComparer.Ordinal);

    private static readonly Dictionary<string, byte[]> ResourceLists = KubeResources.GroupVersions.ToDictionary(
        gv => gv,
        gv => ObjectIndexer.Serialize(ResourceList(gv)),
        StringComparer.Ordinal);

    private static readonly byte[] Ok = "ok"u8.ToArray();

    public static IEndpointRouteBuilder MapKubeDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/version", context => ResponseWriter.WriteJsonAsync(context, Version));
        app.MapGet("/api", ApiVersionsAsync);
        app.MapGet("/api/{version}", context => ResourceListAsync(context, ResourceEndpoints.Route(context, "version")));
        app.MapGet("/apis", context => ResponseWriter.WriteJsonAsync(context, GroupList));
        app.MapGet("/apis/{group}", context => GroupDocuments.TryGetValue(ResourceEndpoints.Route(context, "group"), out var body)
            ? ResponseWriter.WriteJsonAsync(context, body)
            : FallbackEndpoints.NotFoundAsync(context));
        app.MapGet("/apis/{group}/{version}", context =>
            ResourceListAsync(context, $"{ResourceEndpoints.Route(context, "group")}/{ResourceEndpoints.Route(context, "version")}"));
        foreach (var probe in new[] { "/healthz", "/livez", "/readyz" })
        {
            app.MapGet(probe, context => ResponseWriter.WriteTextAsync(context, Ok, "text/plain; charset=utf-8"));
        }

        return app;
    }

    private static Task ResourceListAsync(HttpContext context, string groupVersion) =>
        ResourceLists.TryGetValue(groupVersion, out var body)
            ? ResponseWriter.WriteJsonAsync(context, body)
            : FallbackEndpoints.NotFoundAsync(context);

    private static Task ApiVersionsAsync(HttpContext context)
    {
        var body = ObjectIndexer.Serialize(new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
            {
                ["clientCIDR"] = "0.0.0.0/0",
                ["serverAddress"] = context.Request.Host.Value,
            }),
        });
        return ResponseWriter.WriteJsonAsync(context, body);
    }

    private static IEnumerable<string> Groups() =>
        KubeResources.All.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct();

    private static JsonObject ApiGroup(string group)
    {
        var versions = KubeResources.All.Where(r => r.Group == group).Select(r => r.Version).Distinct().ToList();
        JsonObject Version(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)Version(v)).ToArray()),
            ["preferredVersion"] = Version(versions[0]),
        };
    }

    private static JsonObject ResourceList(string groupVersion)
    {
        var resources = new JsonArray();
        foreach (var resource in KubeResources.All.Where(r => r.GroupVersion == groupVersion))
        {
            var entry = new JsonObject
            {
                ["name"] = resource.Plural,
                ["singularName"] = resource.Singular,
                ["namespaced"] = resource.Namespaced,
                ["kind"] = resource.Kind,
                ["verbs"] = new JsonArray("get", "list"),
            };
            if (resource.ShortNames.Length > 0)
            {
                entry["shortNames"] = new JsonArray(resource.ShortNames.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
            }

            resources.Add(entry);
            if (resource == KubeResources.Pods)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/log",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = "Pod",
                    ["verbs"] = new JsonArray("get"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject Also(this JsonObject obj, Action<JsonObject> change)
    {
        change(obj);
        return obj;
    }
}
