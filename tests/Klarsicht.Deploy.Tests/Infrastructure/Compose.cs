using System.Text.Json.Nodes;

namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>docker-compose.yml, read as the Compose specification defines its short syntaxes.</summary>
public sealed class Compose
{
    public Compose(JsonNode document) => Document = document;

    public static Compose Load() => new(Yaml.ParseFile("docker-compose.yml"));

    public JsonNode Document { get; }

    public IReadOnlyDictionary<string, JsonNode> Services =>
        Document["services"].Entries().ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);

    public JsonNode Service(string name) =>
        Services.TryGetValue(name, out var service) ? service : throw new Xunit.Sdk.XunitException($"docker-compose.yml has no service '{name}'.");

    /// <summary>The environment as a map; the list form <c>- KEY=value</c> is accepted too.</summary>
    public IReadOnlyDictionary<string, string> Environment(string service)
    {
        var environment = Service(service)["environment"];
        if (environment is JsonArray list)
        {
            return list.Select(i => i.Str()!).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        }

        return environment.Entries().ToDictionary(e => e.Key, e => e.Value.Str() ?? "", StringComparer.Ordinal);
    }

    /// <summary>Published ports as (host, container), from <c>"8080:8080"</c> or <c>"127.0.0.1:8080:8080/tcp"</c>.</summary>
    public IReadOnlyList<(int Host, int Container)> Ports(string service) =>
        Service(service)["ports"].Items().Select(p => p.Str() ?? throw new Xunit.Sdk.XunitException($"{service}: use the short port syntax"))
            .Select(p => p.Split('/')[0].Split(':'))
            .Select(parts => (int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Volumes as (source, target, readOnly); bind mounts have a source starting with <c>.</c> or <c>/</c>.</summary>
    public IReadOnlyList<(string Source, string Target, bool ReadOnly)> Volumes(string service) =>
        Service(service)["volumes"].Items().Select(v => v.Str()!.Split(':'))
            .Select(parts => (parts[0], parts[1], parts.Length > 2 && parts[2].Split(',').Contains("ro")))
            .ToList();

    /// <summary>The repository file a container path is bind-mounted from, or null.</summary>
    public string? HostFileOf(string service, string containerPath)
    {
        foreach (var (source, target, _) in Volumes(service))
        {
            if (containerPath == target || containerPath.StartsWith(target.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                return source.StartsWith('.') ? Path.Combine(source, containerPath[target.Length..].TrimStart('/')).TrimEnd('/') : null;
            }
        }

        return null;
    }
}
