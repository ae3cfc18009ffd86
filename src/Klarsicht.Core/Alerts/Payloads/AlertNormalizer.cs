using System.Security.Cryptography;
using System.Text;

namespace Klarsicht.Core.Alerts.Payloads;

/// <summary>Turns sender payloads into <see cref="ReceivedAlert"/>s.</summary>
public static class AlertNormalizer
{
    public static IReadOnlyList<ReceivedAlert> FromAlertmanager(AlertmanagerPayload payload) =>
        (payload.Alerts ?? []).Select(a => Normalize(AlertSource.Alertmanager, a, payload.GroupKey, null, null)).ToList();

    public static IReadOnlyList<ReceivedAlert> FromGrafana(GrafanaPayload payload) =>
        (payload.Alerts ?? []).Select(a => Normalize(AlertSource.Grafana, a, payload.GroupKey, a.DashboardURL, a.PanelURL)).ToList();

    /// <summary>Grafana's contact-point "Test" button sends a synthetic alert that names nothing to investigate.</summary>
    public static bool IsGrafanaTestAlert(ReceivedAlert alert) =>
        alert.Name == "TestAlert" && alert.Label("instance") == "Grafana";

    private static ReceivedAlert Normalize(AlertSource source, AlertmanagerAlert a, string? groupKey, string? dashboardUrl, string? panelUrl)
    {
        var labels = a.Labels ?? [];
        var name = labels.TryGetValue("alertname", out var alertName) && alertName.Length > 0 ? alertName : "unnamed";
        var endsAt = a.EndsAt is { Year: > 1 } ends ? ends : (DateTimeOffset?)null;
        return new ReceivedAlert(
            source,
            name,
            string.IsNullOrEmpty(a.Fingerprint) ? Fingerprint(labels) : a.Fingerprint,
            !string.Equals(a.Status, "resolved", StringComparison.OrdinalIgnoreCase),
            a.StartsAt ?? DateTimeOffset.UnixEpoch,
            endsAt,
            labels,
            a.Annotations ?? [],
            a.GeneratorURL,
            string.IsNullOrEmpty(dashboardUrl) ? null : dashboardUrl,
            string.IsNullOrEmpty(panelUrl) ? null : panelUrl,
            groupKey);
    }

    /// <summary>A label-set hash for senders that omit the fingerprint: 16 lowercase hex characters.</summary>
    public static string Fingerprint(IReadOnlyDictionary<string, string> labels)
    {
        var text = string.Join('\u0000', labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}\u0001{kv.Value}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }
}
