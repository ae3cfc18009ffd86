using k8s.Models;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Dependencies;

/// <summary>Maps a host an app names to a Service: <c>name</c>, <c>name.ns</c>, <c>name.ns.svc[.cluster.local]</c> or a ClusterIP.</summary>
internal static class DependencyResolver
{
    public static (DependencyResolution Resolution, V1Service? Service, (string Namespace, string Name)? OtherNamespace) Resolve(
        DependencyReference reference, string ns, IList<V1Service> services)
    {
        var host = reference.Host;
        var byIp = services.FirstOrDefault(s => s.Spec?.ClusterIP == host);
        if (byIp is not null)
        {
            return (DependencyResolution.InCluster, byIp, null);
        }

        var labels = host.Split('.');

        // <pod>.<headless-service>[.<namespace>[.svc[.cluster.local]]]: the stable per-pod name of a StatefulSet.
        if (labels.Length >= 2 && (labels.Length == 2 || labels[2] == ns) && (labels.Length < 4 || labels[3] == "svc")
            && services.FirstOrDefault(s => s.Metadata.Name == labels[1] && s.Spec?.ClusterIP == "None") is { } headless)
        {
            return (DependencyResolution.InCluster, headless, null);
        }

        var inCluster = labels.Length == 1
            || (labels.Length >= 3 && labels[2] == "svc")
            || (labels.Length == 2 && !HostNames.LooksExternal(host));
        if (!inCluster)
        {
            return (HostNames.LooksExternal(host) ? DependencyResolution.External : DependencyResolution.NoSuchService, null, null);
        }

        var targetNamespace = labels.Length >= 2 ? labels[1] : ns;
        if (targetNamespace == ns)
        {
            var service = services.FirstOrDefault(s => s.Metadata.Name == labels[0]);
            return (service is null ? DependencyResolution.NoSuchService : DependencyResolution.InCluster, service, null);
        }

        return (DependencyResolution.NoSuchService, null, (targetNamespace, labels[0]));
    }
}
