using Klarsicht.Api.Investigations;
using Klarsicht.Api.Notifications;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Klarsicht.Api.Configuration;

public static class HostExtensions
{
    /// <summary>The durable notification outbox and the routing that fills it.</summary>
    public static IServiceCollection AddKlarsichtOutbox(this IServiceCollection services)
    {
        services.AddSingleton<INotificationRouting, NotificationRouting>();
        services.AddHostedService<NotificationWorker>();
        return services;
    }

    /// <summary>The OpenAPI document (committed under openapi/ and checked by a test) and Swagger UI.</summary>
    public static IServiceCollection AddKlarsichtOpenApi(this IServiceCollection services)
    {
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Klarsicht",
                Version = "v1",
                Description = "Root-cause analysis for Kubernetes: alert intake (Alertmanager, Grafana), investigations and RCAs.",
            });
            o.CustomSchemaIds(t => t.FullName!.Replace("Klarsicht.", string.Empty, StringComparison.Ordinal).Replace('+', '.'));
        });
        return services;
    }

    /// <summary>
    /// Swagger UI and the OpenAPI document under /swagger, built on the first request there: nobody reads them
    /// at 3 a.m., so a replica should not carry their middleware from startup.
    /// </summary>
    public static IApplicationBuilder UseSwaggerOnDemand(this IApplicationBuilder app)
    {
        var swagger = new Lazy<RequestDelegate>(() =>
        {
            var branch = app.New();
            branch.UseSwagger();
            branch.UseSwaggerUI();
            return branch.Build();
        });
        return app.Use(next => context => context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) ? swagger.Value(context) : next(context));
    }

    /// <summary>Says at startup how the service is exposed, so an open webhook or API is never a surprise.</summary>
    public static void LogStartupSecurity(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Klarsicht.Security");
        var webhooks = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        if (!webhooks.HasCredentials)
        {
            logger.LogWarning("Webhook endpoints are open: no Klarsicht__Webhooks__Tokens, Basic credentials or GrafanaHmacSecret are configured");
        }

        if (api.Tokens.All(string.IsNullOrEmpty))
        {
            logger.LogWarning("The query API answers loopback callers only: set Klarsicht__Api__Tokens__0 to open it to other hosts");
        }
    }
}
