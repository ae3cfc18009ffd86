namespace Klarsicht.Api.Configuration;

/// <summary>Who may post alerts: bearer tokens, Basic credentials, Grafana's HMAC signature. None configured: open.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Klarsicht:Webhooks";

    /// <summary>Bearer tokens accepted on the webhook endpoints (<c>Klarsicht__Webhooks__Tokens__0..n</c>).</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>Basic credentials accepted on the webhook endpoints (Alertmanager's and Grafana's basic_auth).</summary>
    public string? BasicUsername { get; set; }

    public string? BasicPassword { get; set; }

    /// <summary>Secret of Grafana's HMAC-SHA256 signature (<c>Klarsicht__Webhooks__GrafanaHmacSecret</c>).</summary>
    public string? GrafanaHmacSecret { get; set; }

    /// <summary>The header Grafana puts the signature in.</summary>
    public string GrafanaSignatureHeader { get; set; } = "X-Grafana-Alerting-Signature";

    /// <summary>The header Grafana puts the signing timestamp in, when the contact point configures one.</summary>
    public string GrafanaTimestampHeader { get; set; } = "X-Grafana-Alerting-Timestamp";

    /// <summary>How far a signed timestamp may be from now before the request counts as a replay.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted body, in bytes (default 1 MiB); larger bodies get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest number of alerts in one body.</summary>
    public int MaxAlerts { get; set; } = 1000;

    public bool HasCredentials =>
        Tokens.Any(t => !string.IsNullOrEmpty(t)) || !string.IsNullOrEmpty(BasicUsername) || !string.IsNullOrEmpty(GrafanaHmacSecret);
}

/// <summary>Who may read RCAs.</summary>
public sealed class ApiOptions
{
    public const string Section = "Klarsicht:Api";

    /// <summary>Bearer tokens for the query API (<c>Klarsicht__Api__Tokens__0..n</c>). None: loopback only.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>The service's own external URL, used for links to RCAs in notifications.</summary>
    public Uri? PublicUrl { get; set; }
}

/// <summary>How investigations run.</summary>
public sealed class InvestigationOptions
{
    public const string Section = "Klarsicht:Investigations";

    /// <summary>Investigations running at once in this replica.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Deadline of one investigation; past it the investigation fails with the reason recorded.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the worker looks for work that other replicas queued or abandoned.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
