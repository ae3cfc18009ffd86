using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Grafana;
using Klarsicht.Notifications.Routing;
using Klarsicht.Notifications.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Microsoft.Extensions.DependencyInjection;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Slack and Grafana as <see cref="INotificationChannel"/>s (resolve them as an enumerable), the
    /// <see cref="NotificationPolicy"/>, and the options under <c>Klarsicht:Slack</c> and <c>Klarsicht:Grafana</c>,
    /// validated at startup. Unconfigured channels stay registered and report <c>IsConfigured = false</c>.
    /// </summary>
    public static IServiceCollection AddKlarsichtNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SlackOptions>().Bind(configuration.GetSection(SlackOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.AddOptions<GrafanaOptions>().Bind(configuration.GetSection(GrafanaOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrafanaOptions>, GrafanaOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NotificationPolicy>();

        services.AddTransient<SlackBotTokenHandler>();
        services.AddTransient<GrafanaAuthHandler>();

        // No retry strategy on purpose: the outbox retries with backoff and honours Retry-After, and a retry
        // here would multiply attempts (and risk Slack disabling the app for ignoring rate limits).
        services
            .AddRefitGeneratedClient<ISlackWebApi>(new RefitSettings(new SystemTextJsonContentSerializer(SlackJson.Options)))
            .ConfigureHttpClient((sp, client) =>
                client.BaseAddress = UrlRules.BaseAddress(sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiUrl))
            .AddHttpMessageHandler<SlackBotTokenHandler>()
            .AddResilienceHandler("slack-web-api", AttemptTimeout<SlackOptions>(o => o.Timeout));

        // An incoming webhook is an opaque per-route URL (the secret is its path), not an API with a base
        // address, so it gets a plain named client rather than a Refit interface.
        services
            .AddHttpClient(SlackChannel.WebhookClientName)
            .AddResilienceHandler("slack-webhook", AttemptTimeout<SlackOptions>(o => o.Timeout));

        services
            .AddRefitGeneratedClient<IGrafanaApi>(new RefitSettings(new SystemTextJsonContentSerializer(GrafanaJson.Options)))
            .ConfigureHttpClient((sp, client) =>
            {
                // Left without a base address when Grafana is off; the channel never calls it then.
                var url = sp.GetRequiredService<IOptions<GrafanaOptions>>().Value.Url;
                if (UrlRules.IsAbsoluteHttpUrl(url))
                {
                    client.BaseAddress = UrlRules.BaseAddress(url!);
                }
            })
            .AddHttpMessageHandler<GrafanaAuthHandler>()
            .AddResilienceHandler("grafana", AttemptTimeout<GrafanaOptions>(o => o.Timeout));

        // Transient because they hold typed HttpClients: resolve per delivery batch, not once per process.
        services.AddTransient<INotificationChannel, SlackChannel>();
        services.AddTransient<INotificationChannel, GrafanaChannel>();

        return services;
    }

    private static Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> AttemptTimeout<TOptions>(Func<TOptions, TimeSpan> timeout)
        where TOptions : class =>
        (builder, context) => builder.AddTimeout(timeout(context.ServiceProvider.GetRequiredService<IOptions<TOptions>>().Value));
}
