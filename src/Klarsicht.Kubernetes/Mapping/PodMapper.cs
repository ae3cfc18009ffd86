using k8s.Models;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Mapping;

/// <summary>Reduces API objects to the facts the engine reads. Env values are never copied, only names.</summary>
internal static class PodMapper
{
    public static PodFacts Map(V1Pod pod)
    {
        var spec = pod.Spec;
        var status = pod.Status;
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) ?? pod.Metadata.OwnerReferences?.FirstOrDefault();
        return new PodFacts(
            pod.Metadata.NamespaceProperty,
            pod.Metadata.Name,
            status?.Phase ?? "Unknown",
            status?.Reason,
            status?.Message,
            spec?.NodeName,
            status?.QosClass,
            spec?.RestartPolicy ?? "Always",
            spec?.HostNetwork ?? false,
            Time(pod.Metadata.CreationTimestamp),
            owner is null ? null : new ObjectRef(owner.Kind, pod.Metadata.NamespaceProperty, owner.Name),
            pod.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
            spec?.NodeSelector is { } selector ? new Dictionary<string, string>(selector) : new Dictionary<string, string>(),
            status?.Conditions?.Select(c => new ConditionFact(c.Type, c.Status, c.Reason, c.Message, Time(c.LastTransitionTime))).ToList() ?? [],
            Containers(spec?.InitContainers, status?.InitContainerStatuses, isInit: true, spec?.SecurityContext),
            Containers(spec?.Containers, status?.ContainerStatuses, isInit: false, spec?.SecurityContext),
            spec?.Volumes?.Select(Volume).ToList() ?? []);
    }

    private static List<ContainerFacts> Containers(IList<V1Container>? containers, IList<V1ContainerStatus>? statuses, bool isInit, V1PodSecurityContext? podSecurity)
    {
        if (containers is null)
        {
            return [];
        }

        var result = new List<ContainerFacts>(containers.Count);
        foreach (var c in containers)
        {
            var s = statuses?.FirstOrDefault(x => x.Name == c.Name);
            result.Add(new ContainerFacts(
                c.Name,
                isInit,
                c.Image ?? string.Empty,
                c.Command?.ToList() ?? [],
                c.Args?.ToList() ?? [],
                c.Ports?.Select(p => new PortFact(p.Name, p.ContainerPort, p.HostPort)).ToList() ?? [],
                Resources(c.Resources),
                Probe(c.LivenessProbe),
                Probe(c.ReadinessProbe),
                Probe(c.StartupProbe),
                c.Env?.Select(Env).ToList() ?? [],
                c.EnvFrom?.Select(EnvFrom).ToList() ?? [],
                c.VolumeMounts?.Select(m => new VolumeMountFact(m.Name, m.MountPath, m.ReadOnlyProperty ?? false, m.SubPath)).ToList() ?? [],
                new SecurityFacts(
                    c.SecurityContext?.ReadOnlyRootFilesystem,
                    c.SecurityContext?.RunAsNonRoot ?? podSecurity?.RunAsNonRoot,
                    c.SecurityContext?.RunAsUser ?? podSecurity?.RunAsUser,
                    podSecurity?.FsGroup,
                    c.SecurityContext?.Privileged),
                s?.Ready ?? false,
                s?.Started,
                s?.RestartCount ?? 0,
                State(s?.State),
                State(s?.LastState)));
        }

        return result;
    }

    private static ResourceFacts Resources(V1ResourceRequirements? r)
    {
        if (r is null)
        {
            return ResourceFacts.None;
        }

        string? Get(IDictionary<string, ResourceQuantity>? map, string key) => map is not null && map.TryGetValue(key, out var q) ? q.ToString() : null;
        return new ResourceFacts(Get(r.Limits, "memory"), Get(r.Requests, "memory"), Get(r.Limits, "cpu"), Get(r.Requests, "cpu"), Get(r.Limits, "ephemeral-storage"));
    }

    private static ProbeFact? Probe(V1Probe? p)
    {
        if (p is null)
        {
            return null;
        }

        var (kind, path, port, command) = p switch
        {
            { HttpGet: { } http } => (ProbeKind.Http, http.Path, http.Port?.Value, (IReadOnlyList<string>)[]),
            { TcpSocket: { } tcp } => (ProbeKind.Tcp, (string?)null, tcp.Port?.Value, (IReadOnlyList<string>)[]),
            { Grpc: { } grpc } => (ProbeKind.Grpc, (string?)null, grpc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (IReadOnlyList<string>)[]),
            _ => (ProbeKind.Exec, (string?)null, (string?)null, (IReadOnlyList<string>)(p.Exec?.Command?.ToList() ?? [])),
        };
        return new ProbeFact(kind, path, port, command, p.InitialDelaySeconds ?? 0, p.TimeoutSeconds ?? 1, p.PeriodSeconds ?? 10, p.FailureThreshold ?? 3);
    }

    private static EnvVarFact Env(V1EnvVar e) => e.ValueFrom switch
    {
        { SecretKeyRef: { } s } => new EnvVarFact(e.Name, EnvSource.SecretKey, s.Name, s.Key, s.Optional ?? false, false),
        { ConfigMapKeyRef: { } c } => new EnvVarFact(e.Name, EnvSource.ConfigMapKey, c.Name, c.Key, c.Optional ?? false, false),
        { FieldRef: { } f } => new EnvVarFact(e.Name, EnvSource.Field, null, f.FieldPath, false, true),
        { ResourceFieldRef: { } r } => new EnvVarFact(e.Name, EnvSource.ResourceField, null, r.Resource, false, true),
        _ => new EnvVarFact(e.Name, EnvSource.Literal, null, null, false, !string.IsNullOrEmpty(e.Value)),
    };

    private static EnvFromFact EnvFrom(V1EnvFromSource e) => e switch
    {
        { SecretRef: { } s } => new EnvFromFact("Secret", s.Name, s.Optional ?? false, e.Prefix),
        { ConfigMapRef: { } c } => new EnvFromFact("ConfigMap", c.Name, c.Optional ?? false, e.Prefix),
        _ => new EnvFromFact("Unknown", string.Empty, true, e.Prefix),
    };

    private static VolumeFact Volume(V1Volume v) => v switch
    {
        { ConfigMap: { } c } => new VolumeFact(v.Name, "configMap", c.Name, c.Optional ?? false),
        { Secret: { } s } => new VolumeFact(v.Name, "secret", s.SecretName, s.Optional ?? false),
        { PersistentVolumeClaim: { } p } => new VolumeFact(v.Name, "persistentVolumeClaim", p.ClaimName, false),
        { EmptyDir: { } e } => new VolumeFact(v.Name, "emptyDir", null, false, e.Medium, e.SizeLimit?.ToString()),
        { HostPath: { } h } => new VolumeFact(v.Name, "hostPath", h.Path, false),
        { Projected: not null } => new VolumeFact(v.Name, "projected", null, false),
        _ => new VolumeFact(v.Name, "other", null, false),
    };

    private static ContainerStateFact? State(V1ContainerState? s) => s switch
    {
        { Terminated: { } t } => new ContainerStateFact(ContainerStateKind.Terminated, t.Reason, t.Message, t.ExitCode, t.Signal, Time(t.StartedAt), Time(t.FinishedAt)),
        { Waiting: { } w } => new ContainerStateFact(ContainerStateKind.Waiting, w.Reason, w.Message, null, null, null, null),
        { Running: { } r } => new ContainerStateFact(ContainerStateKind.Running, null, null, null, null, Time(r.StartedAt), null),
        _ => null,
    };

    public static DateTimeOffset? Time(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
