using Klarsicht.Core.Diagnosis.Findings;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis;

/// <summary>
/// Taxonomy precedence rule 1: when the alerting pod fails because something it depends on fails, the root
/// is the dependency. This class finds which dependency a finding points at.
/// </summary>
internal static class Cascade
{
    public static DependencyEvidence? FailingDependency(SubjectEvidence subject, Finding winner)
    {
        var host = winner.Entity("host");
        var port = int.TryParse(winner.Entity("port"), out var p) ? p : (int?)null;
        if (host is not null)
        {
            var named = subject.Dependencies.Where(d => Matches(d, host, port)).ToList();
            if (named.Count > 0)
            {
                return named.FirstOrDefault(IsDown);
            }

            if (HostNames.LooksExternal(host))
            {
                return null;
            }
        }

        var down = subject.Dependencies.Where(d => IsDown(d) && d.Resolution == DependencyResolution.InCluster).ToList();
        if (port is not null && down.Count > 1)
        {
            var byPort = down.Where(d => d.Reference.Port == port || d.Service?.Ports.Contains(port.Value) == true).ToList();
            if (byPort.Count > 0)
            {
                down = byPort;
            }
        }

        return down.FirstOrDefault();
    }

    /// <summary>
    /// Down: no ready endpoints, a failing backend pod, or a backend pod on a node that is NotReady (its kubelet
    /// no longer reports, so the endpoint may still look ready while nothing answers).
    /// </summary>
    public static bool IsDown(DependencyEvidence dependency) =>
        dependency.IsDown || dependency.Backend is { Node.IsNotReady: true, Pod: { } pod } backend && pod.NodeName == backend.Node!.Name;

    public static bool Matches(DependencyEvidence dependency, string host, int? port)
    {
        host = host.Trim('[', ']').ToLowerInvariant();
        if (dependency.Reference.Host.Equals(host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (dependency.Service is not { } service)
        {
            return false;
        }

        if (service.ClusterIp is not null && service.ClusterIp == host)
        {
            return true;
        }

        var first = host.Split('.')[0];
        return first == service.Name && (host.Split('.').Length == 1 || host.Contains($".{service.Namespace}", StringComparison.Ordinal) || host.EndsWith(".svc", StringComparison.Ordinal) || host.Contains(".svc.", StringComparison.Ordinal));
    }

    /// <summary>The external host a dependency finding names, when it is not an in-cluster name.</summary>
    public static string? ExternalHost(SubjectEvidence subject, Finding winner)
    {
        var host = winner.Entity("host");

        // An address (203.0.113.40:443) is what the name resolved to; the name on the same line is what to report.
        if ((host is null || System.Net.IPAddress.TryParse(host, out _)) && winner.Entity("line") is { } said
            && Findings.Endpoints.HostOf(said) is { } named && HostNames.LooksExternal(named.Host))
        {
            host = named.Host;
        }

        // A Service of type ExternalName is a DNS alias for a host outside the cluster: that host is where it went.
        var aliases = subject.Dependencies.Where(d => d.Service is { Type: "ExternalName", ExternalName.Length: > 0 }).ToList();
        if (aliases.Count == 1 && (host is null || System.Net.IPAddress.TryParse(host, out _) || Matches(aliases[0], host, null)))
        {
            return aliases[0].Service!.ExternalName;
        }

        if (host is null)
        {
            var external = subject.Dependencies.Where(d => d.Resolution == DependencyResolution.External).ToList();
            if (external.Count == 1 && winner.Entity("line") is { } line && line.Contains(external[0].Reference.Host, StringComparison.OrdinalIgnoreCase))
            {
                return external[0].Reference.Host;
            }

            // The client said which protocol failed but not where ("SQLSTATE[HY000] [2002] Connection refused"):
            // the one external host the spec configures for that protocol is where it tried to go.
            var protocol = Findings.Endpoints.ProtocolOf(winner.Entity("pattern"), winner.Entity("line"));
            var configured = protocol is null ? [] : external.Where(d => Findings.Endpoints.Serves(d.Reference, protocol)).Select(d => d.Reference.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return configured.Count == 1 ? configured[0] : null;
        }

        return HostNames.LooksExternal(host) && !subject.Dependencies.Any(d => d.Resolution == DependencyResolution.InCluster && Matches(d, host, null)) ? host : null;
    }

    /// <summary>A dependency that is down with no failing pod to explain it: nothing serves its Service.</summary>
    public static Finding Unavailable(DependencyEvidence dependency)
    {
        var service = dependency.Service;
        var workload = dependency.BackingWorkload;
        var evidence = new List<EvidenceItem>();
        string summary;
        if (service is not null)
        {
            evidence.Add(new EvidenceItem("dependency",
                $"Service {service.Namespace}/{service.Name} has {service.ReadyEndpoints} ready and {service.NotReadyEndpoints} not-ready endpoints",
                $"endpoints/{service.Name} in namespace {service.Namespace}; referenced as {dependency.Reference.Host}{(dependency.Reference.Port is { } port ? $":{port}" : string.Empty)} ({dependency.Reference.Source})",
                null));
        }

        if (workload is not null)
        {
            evidence.Add(new EvidenceItem("dependency",
                $"{workload.Ref.Kind} {workload.Ref.Namespace}/{workload.Ref.Name} wants {workload.DesiredReplicas ?? 0} replicas, {workload.ReadyReplicas ?? 0} ready",
                $"{workload.Ref.KubectlName} spec.replicas / status.readyReplicas", null));
            summary = workload.DesiredReplicas == 0
                ? $"{workload.Ref.Kind} {workload.Ref.Name} is scaled to 0 replicas, so Service {service?.Name ?? dependency.Reference.Host} has no endpoints"
                : $"{workload.Ref.Kind} {workload.Ref.Name} has no ready pods, so Service {service?.Name ?? dependency.Reference.Host} has no ready endpoints";
        }
        else
        {
            summary = $"Service {service?.Name ?? dependency.Reference.Host} has no ready endpoints: no pod serves it";
        }

        var culprit = workload?.Ref ?? service?.Ref ?? ObjectRef.External(dependency.Reference.Host);
        return new Finding(Categories.DependencyUnavailable, FindingTier.Runtime, 0.9, summary, evidence,
            Entities.Of(("host", service?.Name ?? dependency.Reference.Host), ("port", dependency.Reference.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Culprit: culprit, Rank: 90);
    }

    public static SubjectEvidence SubjectFor(DependencyEvidence dependency) => new(
        dependency.BackingWorkload?.Ref ?? dependency.Service?.Ref ?? ObjectRef.External(dependency.Reference.Host),
        null, null, dependency.BackingWorkload, dependency.Service, [], [], null, [], [], [], [], SiblingFacts.None);
}
