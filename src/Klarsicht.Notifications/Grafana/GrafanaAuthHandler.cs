using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Service-account token and organisation on every Grafana call.</summary>
internal sealed class GrafanaAuthHandler(IOptionsMonitor<GrafanaOptions> options) : DelegatingHandler
{
    public const string OrgIdHeader = "X-Grafana-Org-Id";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Token is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (settings.OrgId is { } orgId)
        {
            request.Headers.Remove(OrgIdHeader);
            request.Headers.Add(OrgIdHeader, orgId.ToString(CultureInfo.InvariantCulture));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
