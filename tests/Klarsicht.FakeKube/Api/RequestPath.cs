namespace Klarsicht.FakeKube.Api;

/// <summary>A Kubernetes API path taken apart: <c>/apis/apps/v1/namespaces/shop/deployments/api</c>.</summary>
public sealed record RequestPath(string Group, string Version, string? Namespace, string Resource, string? Name, string? Subresource)
{
    /// <summary>The RBAC verb the API server would check for a GET of this path.</summary>
    public string Verb => Name is null ? "list" : "get";

    public string ResourceWithSubresource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    public string QualifiedResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>Null when the path is not a resource path (discovery, /version, /metrics, …).</summary>
    public static RequestPath? Parse(string path)
    {
        var segments = path.Trim('/').Split('/');
        int rest;
        string group;
        string version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        string? ns = null;
        if (tail.Length >= 3 && tail[0] == "namespaces")
        {
            ns = tail[1];
            tail = tail[2..];
        }

        return tail.Length switch
        {
            1 => new RequestPath(group, version, ns, tail[0], null, null),
            2 => new RequestPath(group, version, ns, tail[0], tail[1], null),
            3 => new RequestPath(group, version, ns, tail[0], tail[1], tail[2]),
            _ => null,
        };
    }
}
