namespace Klarsicht.Core.Evidence;

/// <summary>What the API server says about one pod, reduced to what a diagnosis can use.</summary>
public sealed record PodFacts(
    string Namespace,
    string Name,
    string Phase,
    string? Reason,
    string? Message,
    string? NodeName,
    string? QosClass,
    string RestartPolicy,
    bool HostNetwork,
    DateTimeOffset? CreatedAt,
    ObjectRef? Owner,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> NodeSelector,
    IReadOnlyList<ConditionFact> Conditions,
    IReadOnlyList<ContainerFacts> InitContainers,
    IReadOnlyList<ContainerFacts> Containers,
    IReadOnlyList<VolumeFact> Volumes)
{
    public ObjectRef Ref => ObjectRef.Pod(Namespace, Name);

    public IEnumerable<ContainerFacts> AllContainers => InitContainers.Concat(Containers);

    public ConditionFact? Condition(string type) => Conditions.FirstOrDefault(c => c.Type == type);

    public bool IsReady => Condition("Ready")?.Status == "True";

    public int TotalRestarts => AllContainers.Sum(c => c.RestartCount);

    /// <summary>Failing: waiting on an error, crashed, not ready, evicted or pending.</summary>
    public bool IsFailing =>
        Phase is "Pending" or "Failed" && Reason != "Completed"
        || AllContainers.Any(c => c.IsFailing)
        || (Phase == "Running" && !IsReady);
}

public sealed record ConditionFact(string Type, string Status, string? Reason, string? Message, DateTimeOffset? LastTransition);

public sealed record ContainerFacts(
    string Name,
    bool IsInit,
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<PortFact> Ports,
    ResourceFacts Resources,
    ProbeFact? Liveness,
    ProbeFact? Readiness,
    ProbeFact? Startup,
    IReadOnlyList<EnvVarFact> Env,
    IReadOnlyList<EnvFromFact> EnvFrom,
    IReadOnlyList<VolumeMountFact> Mounts,
    SecurityFacts Security,
    bool Ready,
    bool? Started,
    int RestartCount,
    ContainerStateFact? State,
    ContainerStateFact? LastState)
{
    public bool IsFailing =>
        State?.Kind == ContainerStateKind.Waiting && State.Reason is not ("ContainerCreating" or "PodInitializing")
        || State?.Kind == ContainerStateKind.Terminated && State.ExitCode != 0
        || (!IsInit && State?.Kind == ContainerStateKind.Running && !Ready)
        || RestartCount > 0 && LastState?.Kind == ContainerStateKind.Terminated && State?.Kind != ContainerStateKind.Running;

    /// <summary>The most recent termination: the current state when terminated, else the last state.</summary>
    public ContainerStateFact? LastTermination =>
        State?.Kind == ContainerStateKind.Terminated ? State : LastState?.Kind == ContainerStateKind.Terminated ? LastState : null;
}

public enum ContainerStateKind
{
    Waiting,
    Running,
    Terminated,
}

public sealed record ContainerStateFact(
    ContainerStateKind Kind,
    string? Reason,
    string? Message,
    int? ExitCode,
    int? Signal,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

public sealed record PortFact(string? Name, int ContainerPort, int? HostPort);

/// <summary>Limits and requests as written in the spec (<c>512Mi</c>) and parsed (bytes, cores).</summary>
public sealed record ResourceFacts(string? MemoryLimit, string? MemoryRequest, string? CpuLimit, string? CpuRequest, string? EphemeralStorageLimit)
{
    public static ResourceFacts None { get; } = new(null, null, null, null, null);

    public double? MemoryLimitBytes => Quantity.Parse(MemoryLimit);

    public double? CpuLimitCores => Quantity.Parse(CpuLimit);
}

public enum ProbeKind
{
    Http,
    Tcp,
    Exec,
    Grpc,
}

public sealed record ProbeFact(
    ProbeKind Kind,
    string? Path,
    string? Port,
    IReadOnlyList<string> Command,
    int InitialDelaySeconds,
    int TimeoutSeconds,
    int PeriodSeconds,
    int FailureThreshold)
{
    public string Describe() => Kind switch
    {
        ProbeKind.Http => $"HTTP GET {Path ?? "/"} on port {Port}",
        ProbeKind.Tcp => $"TCP connect to port {Port}",
        ProbeKind.Grpc => $"gRPC health check on port {Port}",
        _ => $"exec `{string.Join(' ', Command)}`",
    };

    /// <summary>How long the kubelet waits before the probe can first fail a container.</summary>
    public int GraceSeconds => InitialDelaySeconds + (PeriodSeconds * FailureThreshold);
}

/// <summary>
/// An environment variable by name and source. The value itself is never kept: only whether a literal
/// value is present and non-empty.
/// </summary>
public sealed record EnvVarFact(string Name, EnvSource Source, string? RefName, string? RefKey, bool Optional, bool HasValue);

public enum EnvSource
{
    Literal,
    SecretKey,
    ConfigMapKey,
    Field,
    ResourceField,
}

public sealed record EnvFromFact(string Kind, string Name, bool Optional, string? Prefix);

public sealed record VolumeMountFact(string Volume, string MountPath, bool ReadOnly, string? SubPath);

public sealed record SecurityFacts(bool? ReadOnlyRootFilesystem, bool? RunAsNonRoot, long? RunAsUser, long? FsGroup, bool? Privileged)
{
    public static SecurityFacts None { get; } = new(null, null, null, null, null);
}

/// <summary>A pod volume: kind is configMap, secret, persistentVolumeClaim, emptyDir, hostPath, projected, …</summary>
public sealed record VolumeFact(string Name, string Kind, string? Source, bool Optional, string? Medium = null, string? SizeLimit = null);
