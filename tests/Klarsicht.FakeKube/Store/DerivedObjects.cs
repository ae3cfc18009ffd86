using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Klarsicht.FakeKube.Store;

/// <summary>Objects a real cluster would have that a corpus leaves out: EndpointSlices, events.k8s.io Events, Namespaces.</summary>
internal static class DerivedObjects
{
    /// <summary>core/v1 Event → events.k8s.io/v1 Event, as the API server converts it.</summary>
    public static JsonObject ToEventsV1(JsonObject coreEvent)
    {
        var result = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "events.k8s.io/v1",
            ["metadata"] = coreEvent["metadata"]?.DeepClone(),
            // No omitempty on eventTime: kubelet events read through events.k8s.io show "eventTime": null.
            ["eventTime"] = coreEvent["eventTime"]?.DeepClone(),
        };
        Copy(coreEvent, "series", result, "series");
        Copy(coreEvent, "reportingComponent", result, "reportingController");
        Copy(coreEvent, "reportingInstance", result, "reportingInstance");
        Copy(coreEvent, "action", result, "action");
        Copy(coreEvent, "reason", result, "reason");
        Copy(coreEvent, "involvedObject", result, "regarding");
        Copy(coreEvent, "related", result, "related");
        Copy(coreEvent, "message", result, "note");
        Copy(coreEvent, "type", result, "type");
        Copy(coreEvent, "source", result, "deprecatedSource");
        Copy(coreEvent, "firstTimestamp", result, "deprecatedFirstTimestamp");
        Copy(coreEvent, "lastTimestamp", result, "deprecatedLastTimestamp");
        Copy(coreEvent, "count", result, "deprecatedCount");
        return result;
    }

    /// <summary>The EndpointSlices the endpointslice controller would write for one Endpoints object.</summary>
    public static IEnumerable<JsonObject> ToEndpointSlices(JsonObject endpoints, string? serviceUid)
    {
        var metadata = endpoints["metadata"] as JsonObject;
        var service = ObjectIndexer.Text(metadata?["name"]) ?? "";
        var ns = ObjectIndexer.Text(metadata?["namespace"]) ?? "default";
        var subsets = (endpoints["subsets"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (subsets.Count == 0)
        {
            // The controller keeps a placeholder slice for a Service without endpoints.
            subsets.Add(new JsonObject());
        }

        for (var i = 0; i < subsets.Count; i++)
        {
            var subset = subsets[i];
            var endpointList = new JsonArray();
            var addressType = "IPv4";
            AddEndpoints(subset["addresses"], ready: true, endpointList, ref addressType);
            AddEndpoints(subset["notReadyAddresses"], ready: false, endpointList, ref addressType);

            var ports = new JsonArray();
            foreach (var port in (subset["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var p = new JsonObject();
                Copy(port, "name", p, "name");
                Copy(port, "protocol", p, "protocol");
                Copy(port, "port", p, "port");
                Copy(port, "appProtocol", p, "appProtocol");
                ports.Add(p);
            }

            var labels = new JsonObject();
            if (metadata?["labels"] is JsonObject endpointLabels)
            {
                foreach (var (key, value) in endpointLabels)
                {
                    labels[key] = value?.DeepClone();
                }
            }

            labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
            labels["kubernetes.io/service-name"] = service;

            var sliceMetadata = new JsonObject
            {
                ["name"] = $"{service}-{Suffix($"{ns}/{service}/{i}")}",
                ["generateName"] = service + "-",
                ["namespace"] = ns,
                ["uid"] = Uid($"endpointslice/{ns}/{service}/{i}"),
                ["resourceVersion"] = metadata?["resourceVersion"]?.DeepClone(),
                ["generation"] = 1,
                ["creationTimestamp"] = metadata?["creationTimestamp"]?.DeepClone(),
                ["labels"] = labels,
            };
            if (ObjectIndexer.At(metadata, ["annotations", "endpoints.kubernetes.io/last-change-trigger-time"]) is { } trigger)
            {
                sliceMetadata["annotations"] = new JsonObject { ["endpoints.kubernetes.io/last-change-trigger-time"] = trigger.DeepClone() };
            }

            sliceMetadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["name"] = service,
                ["uid"] = serviceUid ?? Uid($"service/{ns}/{service}"),
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });

            yield return new JsonObject
            {
                ["kind"] = "EndpointSlice",
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["metadata"] = sliceMetadata,
                ["addressType"] = addressType,
                ["endpoints"] = endpointList,
                ["ports"] = ports,
            };
        }
    }

    /// <summary>A Namespace object for a namespace that objects live in but the corpus does not describe.</summary>
    public static JsonObject Namespace(string name, DateTimeOffset created) => new()
    {
        ["kind"] = "Namespace",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["uid"] = Uid("namespace/" + name),
            ["resourceVersion"] = "1",
            ["creationTimestamp"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
        },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    /// <summary>A stable UUID for a synthesised object, so repeated runs serve the same one.</summary>
    public static string Uid(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static string Suffix(string seed)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return string.Concat(hash.Take(5).Select(b => alphabet[b % alphabet.Length]));
    }

    private static void AddEndpoints(JsonNode? addresses, bool ready, JsonArray into, ref string addressType)
    {
        foreach (var address in (addresses as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var ip = ObjectIndexer.Text(address["ip"]) ?? "";
            if (ip.Contains(':'))
            {
                addressType = "IPv6";
            }

            var endpoint = new JsonObject
            {
                ["addresses"] = new JsonArray(ip),
                ["conditions"] = new JsonObject
                {
                    ["ready"] = ready,
                    ["serving"] = ready,
                    ["terminating"] = false,
                },
            };
            Copy(address, "hostname", endpoint, "hostname");
            Copy(address, "targetRef", endpoint, "targetRef");
            Copy(address, "nodeName", endpoint, "nodeName");
            into.Add(endpoint);
        }
    }

    private static void Copy(JsonObject from, string fromKey, JsonObject to, string toKey)
    {
        if (from.TryGetPropertyValue(fromKey, out var value))
        {
            to[toKey] = value?.DeepClone();
        }
    }
}
