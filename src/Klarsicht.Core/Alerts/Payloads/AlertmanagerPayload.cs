using System.Text.Json.Serialization;

namespace Klarsicht.Core.Alerts.Payloads;

/// <summary>
/// The Alertmanager webhook body, version 4. Unknown fields are ignored on purpose: Alertmanager adds
/// top-level keys (notification_reason, routeLabels) without bumping the version.
/// </summary>
public sealed record AlertmanagerPayload
{
    public string? Version { get; init; }

    public string? Receiver { get; init; }

    public string? Status { get; init; }

    public List<AlertmanagerAlert>? Alerts { get; init; }

    public Dictionary<string, string>? GroupLabels { get; init; }

    public Dictionary<string, string>? CommonLabels { get; init; }

    public Dictionary<string, string>? CommonAnnotations { get; init; }

    public string? ExternalURL { get; init; }

    public string? GroupKey { get; init; }

    public long? TruncatedAlerts { get; init; }

    [JsonPropertyName("notification_reason")]
    public string? NotificationReason { get; init; }
}

public record AlertmanagerAlert
{
    public string? Status { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? GeneratorURL { get; init; }

    public string? Fingerprint { get; init; }
}

/// <summary>The Grafana unified-alerting webhook body (version 1): the Alertmanager shape plus Grafana's keys.</summary>
public sealed record GrafanaPayload
{
    public string? Version { get; init; }

    public string? Receiver { get; init; }

    public string? Status { get; init; }

    public List<GrafanaAlert>? Alerts { get; init; }

    public Dictionary<string, string>? GroupLabels { get; init; }

    public Dictionary<string, string>? CommonLabels { get; init; }

    public Dictionary<string, string>? CommonAnnotations { get; init; }

    public string? ExternalURL { get; init; }

    public string? GroupKey { get; init; }

    public long? OrgId { get; init; }

    public string? Title { get; init; }

    public string? State { get; init; }

    public string? Message { get; init; }
}

public sealed record GrafanaAlert : AlertmanagerAlert
{
    public string? SilenceURL { get; init; }

    public string? DashboardURL { get; init; }

    public string? PanelURL { get; init; }

    public string? RuleUID { get; init; }

    public Dictionary<string, double?>? Values { get; init; }

    public string? ValueString { get; init; }
}
