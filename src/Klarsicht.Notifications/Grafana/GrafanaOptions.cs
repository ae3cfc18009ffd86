namespace Klarsicht.Notifications.Grafana;

/// <summary><c>Klarsicht:Grafana</c>: where to post annotations, with a service-account token (Editor is enough).</summary>
public sealed class GrafanaOptions
{
    public const string Section = "Klarsicht:Grafana";

    /// <summary>Grafana base URL (a sub-path such as <c>https://example.com/grafana</c> is kept).</summary>
    public string? Url { get; set; }

    /// <summary>Service-account token (<c>glsa_…</c>), sent only as <c>Authorization: Bearer</c>.</summary>
    public string? Token { get; set; }

    /// <summary>Sent as <c>X-Grafana-Org-Id</c> when set.</summary>
    public long? OrgId { get; set; }

    /// <summary>RCAs below this confidence (0..1) are not annotated.</summary>
    public double MinimumConfidence { get; set; }

    /// <summary>Only RCAs of these taxonomy categories are annotated; empty means all.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Per-request timeout; the outbox retries, so this stays short.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(Token);
}
