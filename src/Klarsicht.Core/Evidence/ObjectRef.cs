namespace Klarsicht.Core.Evidence;

/// <summary>A Kubernetes object (or an external host, kind <c>External</c>) by kind, namespace and name.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    public static ObjectRef Pod(string ns, string name) => new("Pod", ns, name);

    public static ObjectRef Node(string name) => new("Node", null, name);

    public static ObjectRef External(string host) => new("External", null, host);

    /// <summary>The form kubectl takes: <c>deployment/api</c>.</summary>
    public string KubectlName => $"{Kind.ToLowerInvariant()}/{Name}";

    public override string ToString() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}
