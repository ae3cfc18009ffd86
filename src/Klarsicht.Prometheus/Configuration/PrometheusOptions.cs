namespace Klarsicht.Prometheus.Configuration;

/// <summary>
/// Where the Prometheus-compatible query API lives and how to reach it (section <c>Klarsicht:Prometheus</c>,
/// environment <c>Klarsicht__Prometheus__Url</c> and so on). Without <see cref="Url"/> metrics are not consulted.
/// </summary>
public sealed class PrometheusOptions
{
    public const string Section = "Klarsicht:Prometheus";

    /// <summary>
    /// Base URL of the API: <c>http://prometheus:9090</c>, a Thanos querier, or Mimir at <c>https://mimir/prometheus</c>.
    /// <c>api/v1/query</c> is appended to it, keeping any path prefix.
    /// </summary>
    public Uri? Url { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Basic auth user; with <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Accept any server certificate. For labs only.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>PEM file with the CA (or CAs) that signed the server certificate, trusted in addition to the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Deadline of one query, retries included.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Queries in flight at once, across all investigations.</summary>
    public int MaxConcurrentQueries { get; set; } = 8;

    public bool IsConfigured => Url is not null;

    public bool HasBasicAuth => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);

    public bool HasBearerToken => !string.IsNullOrEmpty(BearerToken);

    /// <summary>The URL as it may appear in a gap or a log line: no user info, no query string.</summary>
    public string DisplayUrl => Url is null ? "(not configured)" : Redact(Url);

    internal static string Redact(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "(relative URL)";
}
