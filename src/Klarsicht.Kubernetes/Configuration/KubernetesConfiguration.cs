using k8s;
using k8s.Exceptions;

namespace Klarsicht.Kubernetes.Configuration;

/// <summary>
/// Finds the cluster the way every Kubernetes client does (KUBECONFIG, then ~/.kube/config, then the pod's service
/// account) without failing startup when no cluster is reachable.
/// </summary>
/// <remarks>
/// The same order as <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/>, but kubeconfig files are read by
/// <see cref="KubeconfigFiles"/>: the client's own loader goes through <c>KubernetesYaml</c>, whose static
/// initialiser reflects over every model type of the API (three times, for its serialisers) and so costs a replica
/// about 23 MiB of resident memory it never gives back, only to read a dozen fields.
/// </remarks>
public static class KubernetesConfiguration
{
    /// <summary>Where nothing answers: every call records a gap and /readyz reports the cluster as down.</summary>
    public const string Unreachable = "http://127.0.0.1:1";

    public static KubernetesClientConfiguration Build() => Build(Environment.GetEnvironmentVariable("KUBECONFIG"), KubernetesClientConfiguration.KubeConfigDefaultLocation);

    /// <param name="kubeconfigVariable">The value of KUBECONFIG: a list of files separated by <see cref="Path.PathSeparator"/>.</param>
    /// <param name="defaultPath">~/.kube/config, read when KUBECONFIG is unset.</param>
    public static KubernetesClientConfiguration Build(string? kubeconfigVariable, string? defaultPath)
    {
        IReadOnlyList<string>? files = !string.IsNullOrEmpty(kubeconfigVariable) ? KubeconfigFiles.Split(kubeconfigVariable)
            : defaultPath is not null && File.Exists(defaultPath) ? [defaultPath]
            : null;
        try
        {
            if (files is not null)
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFiles.Load(files));
            }

            if (KubernetesClientConfiguration.IsInCluster())
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }
        }
        catch (KubeConfigException)
        {
            return new KubernetesClientConfiguration { Host = Unreachable };
        }

        // Nothing configured anywhere: the address kubectl and the client library fall back to.
        return new KubernetesClientConfiguration { Host = "http://localhost:8080" };
    }
}
