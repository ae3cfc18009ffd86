using System.Text;
using System.Text.Json.Nodes;
using Klarsicht.FakeKube.Resources;
using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.FakeKube.Store;

/// <summary>
/// An immutable, fully indexed view of everything served. Requests read one snapshot without locks; loading
/// scenarios builds a new snapshot and swaps it in.
/// </summary>
internal sealed class StoreSnapshot
{
    private readonly Dictionary<string, Dictionary<string, List<StoredObject>>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StoredObject>> _byResource = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, string Namespace, string Name), StoredObject> _byName = [];
    private readonly Dictionary<(string Namespace, string Pod, string Container, bool Previous), byte[]> _logs = [];
    private byte[]? _metrics;

    private StoreSnapshot(long resourceVersion) => ResourceVersion = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ResourceVersion { get; }

    public IReadOnlyList<StoredObject> List(KubeResource resource, string? ns)
    {
        if (ns is null)
        {
            return _byResource.GetValueOrDefault(resource.Key) ?? (IReadOnlyList<StoredObject>)[];
        }

        return _byNamespace.TryGetValue(resource.Key, out var namespaces) && namespaces.TryGetValue(ns, out var items)
            ? items
            : [];
    }

    public StoredObject? Get(KubeResource resource, string ns, string name) =>
        _byName.GetValueOrDefault((resource.Key, resource.Namespaced ? ns : "", name));

    public byte[]? Log(string ns, string pod, string container, bool previous) =>
        _logs.GetValueOrDefault((ns, pod, container, previous));

    /// <summary>The /metrics body, rendered once per snapshot.</summary>
    public byte[] MetricsText => _metrics ??= Encoding.UTF8.GetBytes(Metrics.PodMetricsWriter.Render(List(KubeResources.Pods, null)));

    public static StoreSnapshot Build(IReadOnlyList<Scenario> scenarios, long resourceVersion, DateTimeOffset now)
    {
        var snapshot = new StoreSnapshot(resourceVersion);
        var objects = new List<(KubeResource Resource, JsonObject Json)>();
        foreach (var obj in scenarios.SelectMany(s => s.Objects))
        {
            var apiVersion = ObjectIndexer.Text(obj["apiVersion"]) ?? "";
            var kind = ObjectIndexer.Text(obj["kind"]) ?? "";
            if (KubeResources.ForObject(apiVersion, kind) is not { } resource)
            {
                continue; // ConfigMaps, Secrets, custom resources: not served.
            }

            objects.Add((resource, obj));
            if (resource == KubeResources.Events)
            {
                objects.Add((KubeResources.EventsV1, DerivedObjects.ToEventsV1(obj)));
            }
        }

        AddEndpointSlices(objects);
        AddNamespaces(objects, scenarios, now);

        foreach (var (resource, json) in objects)
        {
            snapshot.Add(ObjectIndexer.Index(resource, json));
        }

        foreach (var list in snapshot._byResource.Values)
        {
            list.Sort(static (a, b) =>
            {
                var byNs = string.CompareOrdinal(a.Namespace, b.Namespace);
                return byNs != 0 ? byNs : string.CompareOrdinal(a.Name, b.Name);
            });
        }

        foreach (var namespaces in snapshot._byNamespace.Values)
        {
            foreach (var list in namespaces.Values)
            {
                list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            }
        }

        foreach (var log in scenarios.SelectMany(s => s.Logs))
        {
            snapshot._logs[(log.Namespace, log.Pod, log.Container, log.Previous)] = Encoding.UTF8.GetBytes(log.Text);
        }

        return snapshot;
    }

    private void Add(StoredObject stored)
    {
        var key = (stored.Resource.Key, stored.Namespace, stored.Name);
        if (_byName.TryGetValue(key, out var existing))
        {
            // The same object twice (e.g. a scenario added again at run time): the later one wins.
            _byResource[stored.Resource.Key].Remove(existing);
            _byNamespace[stored.Resource.Key][stored.Namespace].Remove(existing);
        }

        _byName[key] = stored;
        if (!_byResource.TryGetValue(stored.Resource.Key, out var all))
        {
            _byResource[stored.Resource.Key] = all = [];
        }

        all.Add(stored);
        if (!_byNamespace.TryGetValue(stored.Resource.Key, out var namespaces))
        {
            _byNamespace[stored.Resource.Key] = namespaces = new Dictionary<string, List<StoredObject>>(StringComparer.Ordinal);
        }

        if (!namespaces.TryGetValue(stored.Namespace, out var items))
        {
            namespaces[stored.Namespace] = items = [];
        }

        items.Add(stored);
    }

    private static void AddEndpointSlices(List<(KubeResource Resource, JsonObject Json)> objects)
    {
        string Ns(JsonObject o) => ObjectIndexer.Text(ObjectIndexer.At(o, ["metadata", "namespace"])) ?? "default";
        string Name(JsonObject o) => ObjectIndexer.Text(ObjectIndexer.At(o, ["metadata", "name"])) ?? "";

        var withSlices = objects
            .Where(o => o.Resource == KubeResources.EndpointSlices)
            .Select(o => (Ns(o.Json), ObjectIndexer.Text(ObjectIndexer.At(o.Json, ["metadata", "labels", "kubernetes.io/service-name"])) ?? ""))
            .ToHashSet();
        var serviceUids = objects
            .Where(o => o.Resource == KubeResources.Services)
            .GroupBy(o => (Ns(o.Json), Name(o.Json)))
            .ToDictionary(g => g.Key, g => ObjectIndexer.Text(ObjectIndexer.At(g.Last().Json, ["metadata", "uid"])));

        var synthesised = objects
            .Where(o => o.Resource == KubeResources.Endpoints && !withSlices.Contains((Ns(o.Json), Name(o.Json))))
            .SelectMany(o => DerivedObjects.ToEndpointSlices(o.Json, serviceUids.GetValueOrDefault((Ns(o.Json), Name(o.Json)))))
            .Select(slice => (KubeResources.EndpointSlices, slice))
            .ToList();
        objects.AddRange(synthesised);
    }

    private static void AddNamespaces(List<(KubeResource Resource, JsonObject Json)> objects, IReadOnlyList<Scenario> scenarios, DateTimeOffset now)
    {
        var described = objects
            .Where(o => o.Resource == KubeResources.Namespaces)
            .Select(o => ObjectIndexer.Text(ObjectIndexer.At(o.Json, ["metadata", "name"])))
            .ToHashSet();
        var used = objects
            .Where(o => o.Resource.Namespaced)
            .Select(o => ObjectIndexer.Text(ObjectIndexer.At(o.Json, ["metadata", "namespace"])) ?? "default")
            .Concat(scenarios.SelectMany(s => s.Logs).Select(l => l.Namespace))
            .Append("default")
            .Distinct(StringComparer.Ordinal)
            .Where(ns => !described.Contains(ns))
            .ToList();
        objects.AddRange(used.Select(ns => (KubeResources.Namespaces, DerivedObjects.Namespace(ns, now.AddDays(-30)))));
    }
}
