using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klarsicht.FakeKube.Resources;

namespace Klarsicht.FakeKube.Store;

/// <summary>Turns one JSON object into a <see cref="StoredObject"/>: serialised twice, labels and fields extracted.</summary>
internal static class ObjectIndexer
{
    public static StoredObject Index(KubeResource resource, JsonObject source)
    {
        var metadata = source["metadata"] as JsonObject;
        var name = Text(metadata?["name"]) ?? "";
        var ns = resource.Namespaced ? Text(metadata?["namespace"]) ?? "default" : "";

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata?["labels"] is JsonObject labelNode)
        {
            foreach (var (key, value) in labelNode)
            {
                labels[key] = Text(value) ?? "";
            }
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = ns,
        };
        foreach (var label in resource.FieldLabels)
        {
            fields[label.Name] = Text(At(source, label.Path)) ?? label.Default;
        }

        // A single GET carries kind and apiVersion first; a list item carries neither.
        var single = new JsonObject
        {
            ["kind"] = resource.Kind,
            ["apiVersion"] = resource.GroupVersion,
        };
        var item = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (key is "kind" or "apiVersion")
            {
                continue;
            }

            single[key] = value?.DeepClone();
            item[key] = value?.DeepClone();
        }

        var pod = resource == KubeResources.Pods ? ReadPod(source, ns, name) : null;
        return new StoredObject(resource, ns, name, labels, fields, Serialize(single), Serialize(item), pod);
    }

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Scenarios.ScenarioLoader.JsonOptions);

    public static JsonNode? At(JsonNode? node, IEnumerable<string> path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }

        return node;
    }

    /// <summary>The string form a field selector compares against (strings as-is, numbers and booleans as text).</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static PodInfo ReadPod(JsonObject pod, string ns, string name)
    {
        var spec = pod["spec"] as JsonObject;
        var status = pod["status"] as JsonObject;
        var containers = Names(spec?["containers"]);
        var initContainers = Names(spec?["initContainers"]);

        var statuses = new Dictionary<string, ContainerInfo>(StringComparer.Ordinal);
        AddStatuses(status?["initContainerStatuses"], isInit: true, statuses);
        AddStatuses(status?["containerStatuses"], isInit: false, statuses);

        var defaultContainer = Text(At(pod, ["metadata", "annotations", "kubectl.kubernetes.io/default-container"]));
        return new PodInfo(ns, name, Text(spec?["nodeName"]), Text(status?["phase"]) ?? "Pending", containers,
            initContainers, statuses, defaultContainer);
    }

    private static List<string> Names(JsonNode? array) =>
        array is JsonArray items
            ? items.Select(c => Text(c?["name"])).OfType<string>().ToList()
            : [];

    private static void AddStatuses(JsonNode? array, bool isInit, Dictionary<string, ContainerInfo> into)
    {
        if (array is not JsonArray items)
        {
            return;
        }

        foreach (var item in items.OfType<JsonObject>())
        {
            var containerName = Text(item["name"]);
            if (containerName is null)
            {
                continue;
            }

            var state = item["state"] as JsonObject;
            var kind = state switch
            {
                not null when state["waiting"] is JsonObject => ContainerStateKind.Waiting,
                not null when state["running"] is JsonObject => ContainerStateKind.Running,
                not null when state["terminated"] is JsonObject => ContainerStateKind.Terminated,
                _ => ContainerStateKind.Unknown,
            };
            var lastTerminated = At(item, ["lastState", "terminated"]) as JsonObject;
            var restarts = Text(item["restartCount"]) is { } r && long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
            into[containerName] = new ContainerInfo(
                containerName,
                isInit,
                kind,
                Text(At(state, ["waiting", "reason"])),
                Text(At(state, ["terminated", "reason"])),
                Text(lastTerminated?["reason"]),
                lastTerminated is not null,
                restarts,
                item["ready"] is JsonValue ready && ready.GetValueKind() == JsonValueKind.True);
        }
    }
}
