using System.ComponentModel.DataAnnotations;

namespace Klarsicht.Kubernetes;

/// <summary>Bounds of the Kubernetes collectors. The kubeconfig itself comes from KUBECONFIG or the pod's service account.</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Klarsicht:Kubernetes";

    /// <summary>Lines of each container log to read (tailLines).</summary>
    [Range(10, 10_000)]
    public int LogTailLines { get; set; } = 300;

    /// <summary>Bytes of each container log to read at most (limitBytes).</summary>
    [Range(4 * 1024, 16 * 1024 * 1024)]
    public int LogLimitBytes { get; set; } = 256 * 1024;

    /// <summary>Deadline of each collector (one API call or a small group of dependent ones).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CollectorTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many dependency hops to follow (app → api → database is two).</summary>
    [Range(0, 5)]
    public int DependencyDepth { get; set; } = 3;

    /// <summary>How many dependencies of one subject to look at.</summary>
    [Range(0, 20)]
    public int DependencyFanOut { get; set; } = 6;
}
