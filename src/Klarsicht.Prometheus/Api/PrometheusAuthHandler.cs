using System.Net.Http.Headers;
using System.Text;
using Klarsicht.Prometheus.Configuration;
using Microsoft.Extensions.Options;

namespace Klarsicht.Prometheus.Api;

/// <summary>Adds the configured bearer token or basic credentials to every request.</summary>
internal sealed class PrometheusAuthHandler(IOptions<PrometheusOptions> options) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue? _header = Create(options.Value);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_header is not null)
        {
            request.Headers.Authorization = _header;
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static AuthenticationHeaderValue? Create(PrometheusOptions options)
    {
        if (options.HasBearerToken)
        {
            return new AuthenticationHeaderValue("Bearer", options.BearerToken);
        }

        if (options.HasBasicAuth)
        {
            var raw = Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}");
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }

        return null;
    }
}
