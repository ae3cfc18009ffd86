namespace Klarsicht.Core.Rcas;

/// <summary>The root-cause taxonomy: ids are a public contract and never change.</summary>
public static class Categories
{
    public const string MissingEnvVar = "missing_env_var";
    public const string MissingConfigObject = "missing_config_object";
    public const string InvalidConfig = "invalid_config";
    public const string FileNotFound = "file_not_found";
    public const string DependencyUnavailable = "dependency_unavailable";
    public const string DependencyAuthFailure = "dependency_auth_failure";
    public const string SchemaMismatch = "schema_mismatch";
    public const string NetworkFailure = "network_failure";
    public const string OutOfMemory = "out_of_memory";
    public const string ResourceExhaustion = "resource_exhaustion";
    public const string CpuThrottling = "cpu_throttling";
    public const string NodePressure = "node_pressure";
    public const string Unschedulable = "unschedulable";
    public const string VolumeFailure = "volume_failure";
    public const string LivenessProbeFailure = "liveness_probe_failure";
    public const string ReadinessProbeFailure = "readiness_probe_failure";
    public const string ImagePullFailure = "image_pull_failure";
    public const string InvalidCommand = "invalid_command";
    public const string PermissionDenied = "permission_denied";
    public const string MissingDependency = "missing_dependency";
    public const string PortConflict = "port_conflict";
    public const string AppCrash = "app_crash";
    public const string NativeCrash = "native_crash";
    public const string ExitsZero = "exits_zero";
    public const string Unknown = "unknown";

    /// <summary>Every id with its family, in the taxonomy's order.</summary>
    public static IReadOnlyList<(string Id, string Family)> All { get; } =
    [
        (MissingEnvVar, "config"), (MissingConfigObject, "config"), (InvalidConfig, "config"), (FileNotFound, "config"),
        (DependencyUnavailable, "dependency"), (DependencyAuthFailure, "dependency"), (SchemaMismatch, "dependency"), (NetworkFailure, "dependency"),
        (OutOfMemory, "resources"), (ResourceExhaustion, "resources"), (CpuThrottling, "resources"), (NodePressure, "resources"),
        (Unschedulable, "resources"), (VolumeFailure, "resources"),
        (LivenessProbeFailure, "probes"), (ReadinessProbeFailure, "probes"),
        (ImagePullFailure, "image"), (InvalidCommand, "image"), (PermissionDenied, "image"), (MissingDependency, "image"), (PortConflict, "image"),
        (AppCrash, "code"), (NativeCrash, "code"), (ExitsZero, "code"),
        (Unknown, "-"),
    ];

    private static readonly Dictionary<string, string> Families = All.ToDictionary(c => c.Id, c => c.Family, StringComparer.Ordinal);

    public static bool IsKnown(string id) => Families.ContainsKey(id);

    public static string FamilyOf(string id) => Families.TryGetValue(id, out var family) ? family : "-";
}
