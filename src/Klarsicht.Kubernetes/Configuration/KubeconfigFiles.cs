using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Klarsicht.Kubernetes.Configuration;

/// <summary>
/// Reads and merges kubeconfig files by client-go's loading rules: files of a KUBECONFIG list that do not exist are
/// skipped, the first file to name a cluster, user or context (or to set current-context) wins, and relative
/// certificate and key paths are resolved against the directory of the file that holds them.
/// </summary>
/// <remarks>
/// The model classes are the client's own (<see cref="K8SConfiguration"/>, with their YAML aliases), read by a plain
/// YamlDotNet deserializer that only ever looks at those few types.
/// </remarks>
public static class KubeconfigFiles
{
    // As the client's own deserializer does: unknown keys ignored, untyped values (preferences, extensions) typed.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .IgnoreUnmatchedProperties()
        .WithAttemptingUnquotedStringTypeDeserialization()
        .Build();

    public static IReadOnlyList<string> Split(string kubeconfigVariable) =>
        kubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Trim('"'))
            .Where(p => p.Length > 0)
            .ToList();

    /// <exception cref="KubeConfigException">No file exists, or one cannot be parsed.</exception>
    public static K8SConfiguration Load(IReadOnlyList<string> paths)
    {
        K8SConfiguration? merged = null;
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                continue;
            }

            var file = Parse(full);
            merged = merged is null ? file : Merge(merged, file);
        }

        return merged ?? throw new KubeConfigException($"no kubeconfig file found at {string.Join(Path.PathSeparator, paths)}");
    }

    public static K8SConfiguration Parse(string path)
    {
        K8SConfiguration? config;
        try
        {
            using var reader = File.OpenText(path);
            config = Deserializer.Deserialize<K8SConfiguration?>(reader);
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {path} is not valid YAML: {e.Message}");
        }

        config ??= new K8SConfiguration();
        config.FileName = path;
        config.Clusters ??= [];
        config.Users ??= [];
        config.Contexts ??= [];
        var directory = Path.GetDirectoryName(path)!;
        foreach (var cluster in config.Clusters.Select(c => c.ClusterEndpoint).OfType<ClusterEndpoint>())
        {
            cluster.CertificateAuthority = Resolve(directory, cluster.CertificateAuthority);
        }

        foreach (var user in config.Users.Select(u => u.UserCredentials).OfType<UserCredentials>())
        {
            user.ClientCertificate = Resolve(directory, user.ClientCertificate);
            user.ClientKey = Resolve(directory, user.ClientKey);
        }

        return config;
    }

    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration next)
    {
        first.CurrentContext ??= next.CurrentContext;
        first.Clusters = FirstWins(first.Clusters, next.Clusters, c => c.Name);
        first.Users = FirstWins(first.Users, next.Users, u => u.Name);
        first.Contexts = FirstWins(first.Contexts, next.Contexts, c => c.Name);
        return first;
    }

    private static List<T> FirstWins<T>(IEnumerable<T> first, IEnumerable<T> next, Func<T, string> name)
    {
        var result = first.ToList();
        var seen = result.Select(name).ToHashSet(StringComparer.Ordinal);
        result.AddRange(next.Where(item => seen.Add(name(item))));
        return result;
    }

    private static string? Resolve(string directory, string? path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
}
