using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Grafana;
using Klarsicht.Notifications.Routing;
using Klarsicht.Notifications.Slack;
using Klarsicht.Notifications.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Notifications.Tests.Routing;

public sealed class NotificationPolicyTests
{
    private static readonly GrafanaOptions GrafanaOn = new() { Url = "https://grafana.example.com", Token = "glsa_x" };

    private static SlackOptions Bot(params SlackRoute[] routes) =>
        new() { BotToken = "xoxb-1", Channel = "C-DEFAULT", Routes = [.. routes] };

    private static ChannelDecision Slack(Rca rca, SlackOptions options) => NotificationPolicy.DecideSlack(rca, options);

    [Fact]
    public void NoRoutes_DeliversToTheDefaultDestination()
    {
        var decision = Slack(TestRcas.OutOfMemory(), Bot());

        Assert.True(decision.Deliver);
        Assert.Null(decision.SlackChannel);
        Assert.Null(decision.SlackWebhookUrl);
    }

    [Fact]
    public void NamespaceRoute_PicksTheTeamsChannel()
    {
        var options = Bot(
            new SlackRoute { Namespace = "billing", Channel = "C-BILLING" },
            new SlackRoute { Namespace = "shop", Channel = "C-SHOP" });

        Assert.Equal("C-SHOP", Slack(TestRcas.OutOfMemory(ns: "shop"), options).SlackChannel);
        Assert.Equal("C-BILLING", Slack(TestRcas.OutOfMemory(ns: "billing"), options).SlackChannel);
        Assert.Null(Slack(TestRcas.OutOfMemory(ns: "other"), options).SlackChannel);
    }

    [Fact]
    public void NamespaceRoute_WithWildcard_MatchesAFamilyOfNamespaces()
    {
        var options = Bot(new SlackRoute { Namespace = "team-a-*", Channel = "C-A" });

        Assert.Equal("C-A", Slack(TestRcas.OutOfMemory(ns: "team-a-prod"), options).SlackChannel);
        Assert.Null(Slack(TestRcas.OutOfMemory(ns: "team-b-prod"), options).SlackChannel);
    }

    [Fact]
    public void LabelRoute_NeedsEveryLabelToMatch()
    {
        var options = Bot(new SlackRoute { Labels = new() { ["team"] = "payments", ["severity"] = "critical" }, WebhookUrl = "https://hooks.slack.com/services/T/B/PAY" });
        var critical = new Dictionary<string, string> { ["namespace"] = "shop", ["team"] = "payments", ["severity"] = "critical" };
        var warning = new Dictionary<string, string> { ["namespace"] = "shop", ["team"] = "payments", ["severity"] = "warning" };

        Assert.Equal("https://hooks.slack.com/services/T/B/PAY", Slack(TestRcas.OutOfMemory(labels: critical), options).SlackWebhookUrl);
        Assert.Null(Slack(TestRcas.OutOfMemory(labels: warning), options).SlackWebhookUrl);
    }

    [Fact]
    public void FirstMatchingRoute_Wins()
    {
        var options = Bot(
            new SlackRoute { Labels = new() { ["team"] = "payments" }, Channel = "C-PAYMENTS" },
            new SlackRoute { Namespace = "shop", Channel = "C-SHOP" });

        Assert.Equal("C-PAYMENTS", Slack(TestRcas.OutOfMemory(ns: "shop"), options).SlackChannel);
    }

    [Fact]
    public void SkipRoute_KeepsTheRcaOutOfSlack()
    {
        var options = Bot(new SlackRoute { Namespace = "sandbox", Skip = true });

        var decision = Slack(TestRcas.OutOfMemory(ns: "sandbox"), options);

        Assert.False(decision.Deliver);
        Assert.Contains("skips", decision.Reason, StringComparison.Ordinal);
        Assert.True(Slack(TestRcas.OutOfMemory(ns: "shop"), options).Deliver);
    }

    [Fact]
    public void BotWithoutDefaultChannel_SkipsRcasNoRouteMatches()
    {
        var options = new SlackOptions { BotToken = "xoxb-1", Routes = [new SlackRoute { Namespace = "shop", Channel = "C-SHOP" }] };

        Assert.True(Slack(TestRcas.OutOfMemory(ns: "shop"), options).Deliver);
        Assert.False(Slack(TestRcas.OutOfMemory(ns: "elsewhere"), options).Deliver);
    }

    [Theory]
    [InlineData(0.86, 0.8, true)]
    [InlineData(0.8, 0.8, true)]
    [InlineData(0.55, 0.8, false)]
    [InlineData(0.1, 0, true)]
    public void MinimumConfidence_FiltersWeakRcas(double confidence, double minimum, bool delivered)
    {
        var slack = Bot();
        slack.MinimumConfidence = minimum;

        Assert.Equal(delivered, Slack(TestRcas.OutOfMemory(confidence: confidence), slack).Deliver);
    }

    [Fact]
    public void CategoryFilter_DeliversOnlyListedCategories()
    {
        var slack = Bot();
        slack.Categories = [Categories.OutOfMemory, Categories.NodePressure];

        Assert.True(Slack(TestRcas.OutOfMemory(category: Categories.OutOfMemory), slack).Deliver);
        Assert.False(Slack(TestRcas.OutOfMemory(category: Categories.AppCrash), slack).Deliver);
        Assert.False(Slack(TestRcas.OutOfMemory() with { Status = RcaStatus.Failed, RootCause = null }, slack).Deliver);
    }

    [Fact]
    public void GrafanaFilters_AreIndependentOfSlacks()
    {
        var slack = Bot();
        slack.MinimumConfidence = 0.9;
        var grafana = new GrafanaOptions { Url = GrafanaOn.Url, Token = GrafanaOn.Token, Categories = [Categories.OutOfMemory] };

        var decisions = NotificationPolicy.Decide(TestRcas.OutOfMemory(confidence: 0.5), slack, grafana);

        Assert.Equal([ChannelNames.Slack, ChannelNames.Grafana], decisions.Select(d => d.Channel));
        Assert.False(decisions[0].Deliver);
        Assert.True(decisions[1].Deliver);
        Assert.False(NotificationPolicy.DecideGrafana(TestRcas.OutOfMemory(category: Categories.AppCrash), grafana).Deliver);
    }

    [Theory]
    [InlineData(RcaStatus.Pending)]
    [InlineData(RcaStatus.Running)]
    public void UnfinishedInvestigation_IsNotAnnounced(string status)
    {
        var rca = TestRcas.OutOfMemory() with { Status = status };

        Assert.All(NotificationPolicy.Decide(rca, Bot(), GrafanaOn), d => Assert.False(d.Deliver));
    }

    [Fact]
    public void UnconfiguredChannels_AreNotDelivered()
    {
        var decisions = NotificationPolicy.Decide(TestRcas.OutOfMemory(), new SlackOptions(), new GrafanaOptions());

        Assert.All(decisions, d => Assert.Equal((false, "not configured"), (d.Deliver, d.Reason)));
    }

    [Fact]
    public void ApplyTo_FillsTheRoutingOverridesIntoTheRequest()
    {
        var decision = Slack(TestRcas.OutOfMemory(), Bot(new SlackRoute { Namespace = "shop", Channel = "C-SHOP" }));

        var request = decision.ApplyTo(Channels.Request(TestRcas.OutOfMemory()));

        Assert.Equal("C-SHOP", request.SlackChannel);
        Assert.Null(request.SlackWebhookUrl);
    }

    [Fact]
    public async Task Registered_PolicyReadsTheBoundConfiguration()
    {
        await using var services = Channels.Build(
            ("Klarsicht:Slack:WebhookUrl", "https://hooks.slack.com/services/T/B/DEFAULT"),
            ("Klarsicht:Slack:MinimumConfidence", "0.7"),
            ("Klarsicht:Slack:Categories:0", "out_of_memory"),
            ("Klarsicht:Slack:Routes:0:Namespace", "shop"),
            ("Klarsicht:Slack:Routes:0:Labels:team", "payments"),
            ("Klarsicht:Slack:Routes:0:WebhookUrl", "https://hooks.slack.com/services/T/B/PAY"),
            ("Klarsicht:Slack:Routes:1:Namespace", "sandbox"),
            ("Klarsicht:Slack:Routes:1:Skip", "true"));
        services.ValidateOnStart();
        var policy = services.GetRequiredService<NotificationPolicy>();

        var decisions = policy.Decide(TestRcas.OutOfMemory());

        Assert.Equal("https://hooks.slack.com/services/T/B/PAY", decisions[0].SlackWebhookUrl);
        Assert.False(policy.Decide(TestRcas.OutOfMemory(ns: "sandbox"))[0].Deliver);
        Assert.False(policy.Decide(TestRcas.OutOfMemory(confidence: 0.5))[0].Deliver);
        Assert.False(decisions[1].Deliver);
    }
}
