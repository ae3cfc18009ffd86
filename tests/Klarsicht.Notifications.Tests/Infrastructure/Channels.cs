using Klarsicht.Notifications.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Notifications.Tests.Infrastructure;

/// <summary>The channels exactly as the host gets them: through <c>AddKlarsichtNotifications</c> and configuration.</summary>
public static class Channels
{
    public const string BotToken = "xoxb-1234567890-0987654321-testtokenvalue";
    public const string GrafanaToken = "glsa_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345_0a1b2c3d";

    public static ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKlarsichtNotifications(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Runs the startup validation the host would run (ValidateOnStart).</summary>
    public static void ValidateOnStart(this IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

    public static INotificationChannel Slack(this IServiceProvider services) =>
        services.GetServices<INotificationChannel>().Single(c => c.Name == ChannelNames.Slack);

    public static INotificationChannel Grafana(this IServiceProvider services) =>
        services.GetServices<INotificationChannel>().Single(c => c.Name == ChannelNames.Grafana);

    /// <summary>A short timeout so "the receiver never answers" takes a fraction of a second, not 10 s.</summary>
    public const string ShortTimeout = "00:00:00.400";

    public static NotificationRequest Request(Klarsicht.Core.Rcas.Rca rca, NotificationKind kind = NotificationKind.NewRca) =>
        new(rca, kind, RcaUrl: "https://klarsicht.example.com/api/v1/rcas/rca-42");
}
