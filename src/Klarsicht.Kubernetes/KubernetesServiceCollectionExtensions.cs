using k8s;
using Klarsicht.Core.Investigations;
using Klarsicht.Kubernetes.Collectors;
using Klarsicht.Kubernetes.Configuration;
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
