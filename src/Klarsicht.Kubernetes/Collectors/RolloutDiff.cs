using k8s.Models;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Collectors;

/// <summary>What changed between two pod templates: images, env names, resources, probes, command, config references.</summary>
internal static class RolloutDiff
{
    public static IReadOnlyList<RolloutChange> Compare(V1PodTemplateSpec? before, V1PodTemplateSpec? after)
    {
        var changes = new List<RolloutChange>();
        if (before?.Spec is null || after?.Spec is null)
        {
            return changes;
        }

        var old = (before.Spec.InitContainers ?? []).Concat(before.Spec.Containers ?? []).ToDictionary(c => c.Name);
        foreach (var c in (after.Spec.InitContainers ?? []).Concat(after.Spec.Containers ?? []))
        {
            if (!old.TryGetValue(c.Name, out var o))
            {
                changes.Add(new RolloutChange("container", c.Name, null, c.Image));
                continue;
            }

            Add(changes, "image", c.Name, o.Image, c.Image);
            Add(changes, "command", c.Name, Join(o.Command), Join(c.Command));
            Add(changes, "args", c.Name, Join(o.Args), Join(c.Args));
            Add(changes, "memory limit", c.Name, Quantity(o.Resources?.Limits, "memory"), Quantity(c.Resources?.Limits, "memory"));
            Add(changes, "cpu limit", c.Name, Quantity(o.Resources?.Limits, "cpu"), Quantity(c.Resources?.Limits, "cpu"));
            Add(changes, "memory request", c.Name, Quantity(o.Resources?.Requests, "memory"), Quantity(c.Resources?.Requests, "memory"));
            Add(changes, "cpu request", c.Name, Quantity(o.Resources?.Requests, "cpu"), Quantity(c.Resources?.Requests, "cpu"));
            Add(changes, "liveness probe", c.Name, Probe(o.LivenessProbe), Probe(c.LivenessProbe));
            Add(changes, "readiness probe", c.Name, Probe(o.ReadinessProbe), Probe(c.ReadinessProbe));
            Add(changes, "startup probe", c.Name, Probe(o.StartupProbe), Probe(c.StartupProbe));

            var oldEnv = (o.Env ?? []).ToDictionary(e => e.Name, EnvSource);
            var newEnv = (c.Env ?? []).ToDictionary(e => e.Name, EnvSource);
            foreach (var removed in oldEnv.Keys.Except(newEnv.Keys).Order(StringComparer.Ordinal))
            {
                changes.Add(new RolloutChange("env", c.Name, removed, null));
            }

            foreach (var added in newEnv.Keys.Except(oldEnv.Keys).Order(StringComparer.Ordinal))
            {
                changes.Add(new RolloutChange("env", c.Name, null, added));
            }

            foreach (var name in newEnv.Keys.Intersect(oldEnv.Keys).Order(StringComparer.Ordinal))
            {
                if (oldEnv[name] != newEnv[name])
                {
                    changes.Add(new RolloutChange($"env {name} source", c.Name, oldEnv[name], newEnv[name]));
                }
            }

            Add(changes, "envFrom", c.Name, Join(o.EnvFrom?.Select(EnvFrom)), Join(c.EnvFrom?.Select(EnvFrom)));
        }

        foreach (var removed in old.Keys.Except((after.Spec.InitContainers ?? []).Concat(after.Spec.Containers ?? []).Select(c => c.Name)))
        {
            changes.Add(new RolloutChange("container", removed, old[removed].Image, null));
        }

        Add(changes, "volumes", null, Join(before.Spec.Volumes?.Select(Volume)), Join(after.Spec.Volumes?.Select(Volume)));
        Add(changes, "serviceAccount", null, before.Spec.ServiceAccountName, after.Spec.ServiceAccountName);
        Add(changes, "nodeSelector", null, Join(before.Spec.NodeSelector?.Select(kv => $"{kv.Key}={kv.Value}")), Join(after.Spec.NodeSelector?.Select(kv => $"{kv.Key}={kv.Value}")));
        return changes;
    }

    private static void Add(List<RolloutChange> changes, string field, string? container, string? before, string? after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes.Add(new RolloutChange(field, container, string.IsNullOrEmpty(before) ? null : before, string.IsNullOrEmpty(after) ? null : after));
        }
    }

    private static string? Join(IEnumerable<string>? values) => values is null ? null : string.Join(' ', values);

    private static string? Quantity(IDictionary<string, ResourceQuantity>? map, string key) => map is not null && map.TryGetValue(key, out var q) ? q.ToString() : null;

    // Names and references only: a literal value is reported as "value", never copied.
    private static string EnvSource(V1EnvVar e) => e.ValueFrom switch
    {
        { SecretKeyRef: { } s } => $"secret {s.Name}/{s.Key}",
        { ConfigMapKeyRef: { } c } => $"configmap {c.Name}/{c.Key}",
        { FieldRef: { } f } => $"field {f.FieldPath}",
        { } => "reference",
        null => "value",
    };

    private static string EnvFrom(V1EnvFromSource e) => e.SecretRef is { } s ? $"secret/{s.Name}" : e.ConfigMapRef is { } c ? $"configmap/{c.Name}" : "unknown";

    private static string Volume(V1Volume v) => v.ConfigMap is { } c ? $"{v.Name}=configmap/{c.Name}" : v.Secret is { } s ? $"{v.Name}=secret/{s.SecretName}" : v.PersistentVolumeClaim is { } p ? $"{v.Name}=pvc/{p.ClaimName}" : v.Name;

    private static string? Probe(V1Probe? p) => p is null ? null
        : $"{(p.HttpGet is { } h ? $"GET {h.Path} :{h.Port?.Value}" : p.TcpSocket is { } t ? $"tcp :{t.Port?.Value}" : p.Exec is { } e ? $"exec {string.Join(' ', e.Command ?? [])}" : "grpc")} delay {p.InitialDelaySeconds ?? 0}s timeout {p.TimeoutSeconds ?? 1}s period {p.PeriodSeconds ?? 10}s threshold {p.FailureThreshold ?? 3}";
}
