using Klarsicht.Core.Rcas;

namespace Klarsicht.Notifications.Delivery;

public enum NotificationKind
{
    /// <summary>The first message about a finished RCA.</summary>
    NewRca,

    /// <summary>The alert behind the RCA resolved; a short reply in the RCA's thread.</summary>
    Resolved,

    /// <summary>The alert fired again after it resolved; a short reply in the RCA's thread.</summary>
    Refired,
}

/// <param name="Rca">The RCA to announce.</param>
/// <param name="Kind">What happened.</param>
/// <param name="ThreadKey">What an earlier <see cref="DeliveryResult.ThreadKey"/> returned for this RCA on this channel (Slack: <c>channel:ts</c>).</param>
/// <param name="RcaUrl">Link to the RCA in the API.</param>
/// <param name="DashboardUrl">Grafana dashboard of the alert, when it came from Grafana.</param>
/// <param name="PanelUrl">Grafana panel of the alert.</param>
/// <param name="DashboardUid">Dashboard to annotate (see <c>GrafanaLinks.Parse</c>); null for an organisation-wide annotation.</param>
/// <param name="PanelId">Panel to annotate, with <paramref name="DashboardUid"/>.</param>
/// <param name="SlackChannel">Routing override: the Slack channel for chat.postMessage.</param>
/// <param name="SlackWebhookUrl">Routing override: the incoming webhook to post to.</param>
public sealed record NotificationRequest(
    Rca Rca,
    NotificationKind Kind,
    string? ThreadKey = null,
    string? RcaUrl = null,
    string? DashboardUrl = null,
    string? PanelUrl = null,
    string? DashboardUid = null,
    long? PanelId = null,
    string? SlackChannel = null,
    string? SlackWebhookUrl = null);
