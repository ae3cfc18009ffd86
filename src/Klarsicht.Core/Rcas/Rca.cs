namespace Klarsicht.Core.Rcas;

/// <summary>
/// The RCA resource exactly as the external contract describes it. Outside tools read this JSON, so names
/// and shapes only ever grow.
/// </summary>
public sealed record Rca
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public required string Source { get; init; }

    public RcaAlert? Alert { get; init; }

    public RcaTarget? Target { get; init; }

    public RootCause? RootCause { get; init; }

    public double? Confidence { get; init; }

    public IReadOnlyList<Alternative>? Alternatives { get; init; }

    public IReadOnlyList<EvidenceItem>? Evidence { get; init; }

    public IReadOnlyList<TimelineEntry>? Timeline { get; init; }

    public IReadOnlyList<FixStep>? FixSteps { get; init; }

    public IReadOnlyList<NotificationState> Notifications { get; init; } = [];

    public Durations? Durations { get; init; }

    /// <summary>What could not be collected ("events: forbidden by RBAC"); empty when nothing was missing.</summary>
    public IReadOnlyList<string>? Gaps { get; init; }

    /// <summary>Why an investigation failed, when it did.</summary>
    public string? Error { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}

public static class RcaStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Pending, Running, Completed, Failed };
}

public sealed record RcaAlert(
    string Name,
    string Fingerprint,
    string Status,
    DateTimeOffset StartsAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    int ReceivedCount,
    string? GeneratorUrl = null,
    string? DashboardUrl = null,
    string? PanelUrl = null);

public sealed record RcaTarget(string Kind, string? Namespace, string Name, string? Container, WorkloadRef? Workload);

public sealed record WorkloadRef(string Kind, string Name);

public sealed record RootCause(
    string Category,
    string Summary,
    string Detail,
    Culprit Culprit,
    IReadOnlyList<ChainHop> Chain);

public sealed record Culprit(string Kind, string? Namespace, string Name);

public sealed record ChainHop(string Kind, string? Namespace, string Name, string Category, string Summary);

public sealed record Alternative(string Category, double Confidence, string Summary);

public sealed record EvidenceItem(string Source, string Summary, string? Detail, DateTimeOffset? At);

public sealed record TimelineEntry(DateTimeOffset At, string Event);

public sealed record FixStep(string Description, string? Command);

public sealed record NotificationState(string Channel, string Status, int Attempts, string? LastError);

public sealed record Durations(long CollectMs, long DiagnoseMs, long TotalMs);
