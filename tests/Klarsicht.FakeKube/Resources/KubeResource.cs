namespace Klarsicht.FakeKube.Resources;

/// <summary>A field label a list may be filtered on, with where its value sits in the served object.</summary>
public sealed record FieldLabel(string Name, string[] Path, string Default = "");

/// <summary>One API resource the fake serves (a kind under a group/version).</summary>
public sealed record KubeResource(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    string[] ShortNames,
    FieldLabel[] FieldLabels)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>How the API server names the resource in messages: <c>pods</c>, <c>deployments.apps</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string Key => $"{GroupVersion}/{Plural}";

    public FieldLabel? FindFieldLabel(string name) =>
        name switch
        {
            "metadata.name" => MetadataName,
            "metadata.namespace" => MetadataNamespace,
            _ => Array.Find(FieldLabels, l => l.Name == name),
        };

    internal static readonly FieldLabel MetadataName = new("metadata.name", ["metadata", "name"]);
    internal static readonly FieldLabel MetadataNamespace = new("metadata.namespace", ["metadata", "namespace"]);
}

/// <summary>The resources the fake serves, with the field labels the real API server supports for each.</summary>
public static class KubeResources
{
    private static FieldLabel F(string name, string path, string @default = "") => new(name, path.Split('.'), @default);

    private static readonly FieldLabel[] CoreEventFields =
    [
        F("involvedObject.kind", "involvedObject.kind"),
        F("involvedObject.namespace", "involvedObject.namespace"),
        F("involvedObject.name", "involvedObject.name"),
        F("involvedObject.uid", "involvedObject.uid"),
        F("involvedObject.apiVersion", "involvedObject.apiVersion"),
        F("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
        F("involvedObject.fieldPath", "involvedObject.fieldPath"),
        F("reason", "reason"),
        F("reportingComponent", "reportingComponent"),
        F("source", "source.component"),
        F("type", "type"),
    ];

    // events.k8s.io selects on regarding.*, which the real server maps onto involvedObject.*; the fake stores the
    // converted shape, so the labels point straight at regarding.* and the deprecated* fields.
    private static readonly FieldLabel[] EventsV1Fields =
    [
        F("regarding.kind", "regarding.kind"),
        F("regarding.namespace", "regarding.namespace"),
        F("regarding.name", "regarding.name"),
        F("regarding.uid", "regarding.uid"),
        F("regarding.apiVersion", "regarding.apiVersion"),
        F("regarding.resourceVersion", "regarding.resourceVersion"),
        F("regarding.fieldPath", "regarding.fieldPath"),
        F("reason", "reason"),
        F("reportingController", "reportingController"),
        F("source", "deprecatedSource.component"),
        F("type", "type"),
    ];

    public static KubeResource Namespaces { get; } = new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], [F("status.phase", "status.phase")]);

    public static KubeResource Nodes { get; } = new("", "v1", "nodes", "node", "Node", false, ["no"], [F("spec.unschedulable", "spec.unschedulable", "false")]);

    public static KubeResource PersistentVolumes { get; } = new("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, ["pv"], []);

    public static KubeResource Pods { get; } = new("", "v1", "pods", "pod", "Pod", true, ["po"],
    [
        F("spec.nodeName", "spec.nodeName"),
        F("spec.restartPolicy", "spec.restartPolicy"),
        F("spec.schedulerName", "spec.schedulerName"),
        F("spec.serviceAccountName", "spec.serviceAccountName"),
        F("spec.hostNetwork", "spec.hostNetwork", "false"),
        F("status.phase", "status.phase"),
        F("status.podIP", "status.podIP"),
        F("status.nominatedNodeName", "status.nominatedNodeName"),
    ]);

    public static KubeResource Services { get; } = new("", "v1", "services", "service", "Service", true, ["svc"], []);

    public static KubeResource Endpoints { get; } = new("", "v1", "endpoints", "endpoints", "Endpoints", true, ["ep"], []);

    public static KubeResource Events { get; } = new("", "v1", "events", "event", "Event", true, ["ev"], CoreEventFields);

    public static KubeResource PersistentVolumeClaims { get; } = new("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, ["pvc"], []);

    public static KubeResource Deployments { get; } = new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], []);

    public static KubeResource ReplicaSets { get; } = new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], [F("status.replicas", "status.replicas", "0")]);

    public static KubeResource StatefulSets { get; } = new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], []);

    public static KubeResource DaemonSets { get; } = new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, ["ds"], []);

    public static KubeResource ControllerRevisions { get; } = new("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, [], []);

    public static KubeResource Jobs { get; } = new("batch", "v1", "jobs", "job", "Job", true, [], [F("status.successful", "status.succeeded", "0")]);

    public static KubeResource CronJobs { get; } = new("batch", "v1", "cronjobs", "cronjob", "CronJob", true, ["cj"], []);

    public static KubeResource EndpointSlices { get; } = new("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, [], []);

    public static KubeResource HorizontalPodAutoscalers { get; } = new("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, ["hpa"], []);

    public static KubeResource EventsV1 { get; } = new("events.k8s.io", "v1", "events", "event", "Event", true, ["ev"], EventsV1Fields);

    public static IReadOnlyList<KubeResource> All { get; } =
    [
        Namespaces, Nodes, PersistentVolumes, Pods, Services, Endpoints, Events, PersistentVolumeClaims,
        Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions, Jobs, CronJobs, EndpointSlices,
        HorizontalPodAutoscalers, EventsV1,
    ];

    /// <summary>Group versions in the order discovery lists them (the core group is served under /api).</summary>
    public static IReadOnlyList<string> GroupVersions { get; } = All.Select(r => r.GroupVersion).Distinct().ToList();

    private static readonly Dictionary<(string GroupVersion, string Plural), KubeResource> ByPath =
        All.ToDictionary(r => (r.GroupVersion, r.Plural));

    public static KubeResource? Find(string groupVersion, string plural) => ByPath.GetValueOrDefault((groupVersion, plural));

    /// <summary>The resource an object of <paramref name="apiVersion"/>/<paramref name="kind"/> is stored under.</summary>
    public static KubeResource? ForObject(string apiVersion, string kind)
    {
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        // The version is ignored: an object written as autoscaling/v1 is still served under autoscaling/v2.
        return All.FirstOrDefault(r => r.Kind == kind && r.Group == group);
    }
}
