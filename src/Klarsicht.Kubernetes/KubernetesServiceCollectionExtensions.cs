using k8s;
using Klarsicht.Core.Investigations;
using Klarsicht.Kubernetes.Collectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Klarsicht.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes collectors with one <see cref="IKubernetes"/> client built from KUBECONFIG,
    /// ~/.kube/config or the pod's service account, the way every Kubernetes client reads it.
    /// </summary>
    public static IServiceCollection AddKubernetesCollectors(this IServiceCollection services)
    {
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesConfiguration.Build()));
        services.AddSingleton<IClusterCollector, KubernetesClusterCollector>();
        return services;
    }
}

/// <summary>Builds the client configuration without failing startup when no cluster is reachable.</summary>
public static class KubernetesConfiguration
{
    public static KubernetesClientConfiguration Build()
    {
        try
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (k8s.Exceptions.KubeConfigException)
        {
            // No kubeconfig and not in a pod: every call will record a gap, and /readyz reports it.
            return new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" };
        }
    }
}
