using Klarsicht.Notifications.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Tests.Routing;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Klarsicht:Slack:WebhookUrl", "hooks.slack.com/services/T/B/X", "WebhookUrl")]
    [InlineData("Klarsicht:Slack:ApiUrl", "/api", "ApiUrl")]
    [InlineData("Klarsicht:Grafana:Url", "grafana:3000", "Url")]
    [InlineData("Klarsicht:Slack:Categories:0", "oom", "oom")]
    [InlineData("Klarsicht:Slack:MinimumConfidence", "1.5", "MinimumConfidence")]
    public async Task BadSetting_FailsAtStartupNamingTheKey(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Klarsicht:Slack:WebhookUrl"] = "https://hooks.slack.com/services/T/B/X",
            ["Klarsicht:Grafana:Token"] = key.StartsWith("Klarsicht:Grafana", StringComparison.Ordinal) ? "glsa_x" : null,
            [key] = value,
        };
        await using var services = Channels.Build([.. settings.Select(s => (s.Key, s.Value))]);

        var error = Assert.Throws<OptionsValidationException>(services.ValidateOnStart);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotTokenWithoutChannel_FailsAtStartup()
    {
        await using var services = Channels.Build(("Klarsicht:Slack:BotToken", Channels.BotToken));

        var error = Assert.Throws<OptionsValidationException>(services.ValidateOnStart);

        Assert.Contains("Channel", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Channels.BotToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotTokenWithoutDefaultChannel_IsFineWhenEveryRouteGivesOne()
    {
        await using var services = Channels.Build(
            ("Klarsicht:Slack:BotToken", Channels.BotToken),
            ("Klarsicht:Slack:Routes:0:Namespace", "shop"),
            ("Klarsicht:Slack:Routes:0:Channel", "C-SHOP"),
            ("Klarsicht:Slack:Routes:1:Channel", "C-EVERYONE"));

        services.ValidateOnStart();
    }

    [Fact]
    public async Task RouteChannelWithoutBot_FailsBecauseWebhooksCannotChooseChannels()
    {
        await using var services = Channels.Build(
            ("Klarsicht:Slack:WebhookUrl", "https://hooks.slack.com/services/T/B/X"),
            ("Klarsicht:Slack:Routes:0:Channel", "C-SHOP"));

        Assert.Throws<OptionsValidationException>(services.ValidateOnStart);
    }

    [Fact]
    public async Task GrafanaUrlWithoutToken_FailsAtStartup()
    {
        await using var services = Channels.Build(("Klarsicht:Grafana:Url", "https://grafana.example.com"));

        var error = Assert.Throws<OptionsValidationException>(services.ValidateOnStart);

        Assert.Contains("Token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingConfigured_StartsWithBothChannelsOff()
    {
        await using var services = Channels.Build();

        services.ValidateOnStart();

        Assert.False(services.Slack().IsConfigured);
        Assert.False(services.Grafana().IsConfigured);
    }

    [Fact]
    public async Task FullConfiguration_StartsWithBothChannelsOn()
    {
        await using var services = Channels.Build(
            ("Klarsicht:Slack:BotToken", Channels.BotToken),
            ("Klarsicht:Slack:Channel", "C0123"),
            ("Klarsicht:Slack:ApiUrl", "https://slack.example.com/api/"),
            ("Klarsicht:Grafana:Url", "https://grafana.example.com/grafana"),
            ("Klarsicht:Grafana:Token", Channels.GrafanaToken),
            ("Klarsicht:Grafana:OrgId", "2"));

        services.ValidateOnStart();

        Assert.True(services.Slack().IsConfigured);
        Assert.True(services.Grafana().IsConfigured);
    }
}
