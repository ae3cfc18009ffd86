using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Reads the dashboard and panel to annotate from the links in a Grafana alert.</summary>
public static class GrafanaLinks
{
    /// <summary>
    /// The dashboard UID from <c>/d/&lt;uid&gt;[/slug]</c> (or <c>/d-solo/</c>) in either URL, and the panel id from
    /// <c>viewPanel=&lt;id&gt;</c> (Grafana 11+ writes <c>viewPanel=panel-&lt;id&gt;</c>) or <c>panelId=&lt;id&gt;</c>.
    /// A panel id without a dashboard is dropped: Grafana would not know where to put it.
    /// </summary>
    public static (string? DashboardUid, long? PanelId) Parse(string? dashboardUrl, string? panelUrl)
    {
        var uid = DashboardUid(dashboardUrl) ?? DashboardUid(panelUrl);
        var panelId = PanelId(panelUrl) ?? PanelId(dashboardUrl);
        return uid is null ? (null, null) : (uid, panelId);
    }

    private static string? DashboardUid(string? url)
    {
        if (!TryParse(url, out var uri))
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i] is "d" or "d-solo")
            {
                var uid = Uri.UnescapeDataString(segments[i + 1]);
                return uid.Length > 0 ? uid : null;
            }
        }

        return null;
    }

    private static long? PanelId(string? url)
    {
        if (!TryParse(url, out var uri) || uri.Query.Length <= 1)
        {
            return null;
        }

        long? found = null;
        foreach (var pair in uri.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = pair[..equals];
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (key is not ("viewPanel" or "panelId" or "editPanel"))
            {
                continue;
            }

            if (value.StartsWith("panel-", StringComparison.Ordinal))
            {
                value = value["panel-".Length..];
            }

            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                // viewPanel names the panel the alert points at; prefer it over the others.
                if (key == "viewPanel")
                {
                    return id;
                }

                found ??= id;
            }
        }

        return found;
    }

    private static bool TryParse(string? url, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            uri = absolute;
            return true;
        }

        // Grafana may send a path relative to its root_url.
        if (Uri.TryCreate(new Uri("http://grafana.invalid"), url, out var relative))
        {
            uri = relative;
            return true;
        }

        return false;
    }
}
