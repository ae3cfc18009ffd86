using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Api;
using Klarsicht.Prometheus.Collection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Refit;

namespace Klarsicht.Prometheus.Configuration;

public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IMetricsCollector"/> backed by the Prometheus API configured in section
    /// <c>Klarsicht:Prometheus</c>, or, without a <c>Url</c>, a collector that says it is not configured.
    /// Invalid settings fail at startup.
    /// </summary>
    public static IServiceCollection AddPrometheusCollector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrometheusOptions>().Bind(configuration.GetSection(PrometheusOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>();

        // Decided when the collector is first resolved, not here: hosts (and tests) may add configuration
        // sources after registration.
        services.AddTransient<PrometheusAuthHandler>();
        // Refit 16 builds clients from the source-generated stubs; AddRefitClient would need the Refit.Reflection package.
        services.AddRefitGeneratedClient<IPrometheusApi>(PrometheusJsonContext.Default)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<PrometheusOptions>>().Value;
                if (options.IsConfigured)
                {
                    client.BaseAddress = options.Url;
                }

                // The per-query deadline and the resilience timeouts govern; this is only a backstop.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => PrimaryHandler(provider.GetRequiredService<IOptions<PrometheusOptions>>().Value))
            .AddHttpMessageHandler<PrometheusAuthHandler>()
            .AddStandardResilienceHandler()
            // Bound directly, not through IOptions: an invalid value must fail once, in the options validator.
            .Configure(resilience => ConfigureResilience(resilience, (configuration.GetSection(PrometheusOptions.Section).Get<PrometheusOptions>() ?? new PrometheusOptions()).QueryTimeout));

        services.AddSingleton<PrometheusMetricsCollector>();
        services.AddSingleton<IMetricsCollector>(provider => provider.GetRequiredService<IOptions<PrometheusOptions>>().Value.IsConfigured
            ? provider.GetRequiredService<PrometheusMetricsCollector>()
            : new UnconfiguredMetricsCollector());
        return services;
    }

    /// <summary>
    /// Sized for an investigation that should take well under a second: one quick retry of a transient failure
    /// (a restarting Prometheus pod, a 502 from an ingress), never a retry that outlives the query's deadline.
    /// </summary>
    internal static void ConfigureResilience(HttpStandardResilienceOptions resilience, TimeSpan queryTimeout)
    {
        // An out-of-range timeout is reported by the options validator; keep these options valid meanwhile.
        queryTimeout = TimeSpan.FromTicks(Math.Clamp(queryTimeout.Ticks, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(2).Ticks));
        resilience.AttemptTimeout.Timeout = queryTimeout;
        resilience.TotalRequestTimeout.Timeout = queryTimeout + TimeSpan.FromSeconds(1);
        resilience.Retry.MaxRetryAttempts = 1;
        resilience.Retry.Delay = TimeSpan.FromMilliseconds(50);
        resilience.Retry.BackoffType = Polly.DelayBackoffType.Constant;
        resilience.Retry.UseJitter = true;
        // The breaker's window must be at least twice the attempt timeout.
        var sampling = TimeSpan.FromSeconds(Math.Max(30, (2 * queryTimeout.TotalSeconds) + 1));
        resilience.CircuitBreaker.SamplingDuration = sampling;
    }

    internal static HttpMessageHandler PrimaryHandler(PrometheusOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.QueryTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };

        if (options.InsecureSkipVerify)
        {
#pragma warning disable CA5359 // Explicitly asked for with InsecureSkipVerify, for labs with self-signed certificates.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(options.CaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(options.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && ChainsTo(new X509Certificate2(certificate), authorities, errors));
        }

        return handler;
    }

    /// <summary>Accepts a certificate whose only fault is an untrusted root, when that root is in the configured CA file.</summary>
    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities, SslPolicyErrors errors)
    {
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
