namespace Klarsicht.Notifications.Delivery;

/// <summary>The channel names the RCA contract uses in <c>notifications[].channel</c>.</summary>
public static class ChannelNames
{
    public const string Slack = "slack";
    public const string Grafana = "grafana";
}
