using Klarsicht.Testing.Http;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Tests.Infrastructure;

namespace Klarsicht.Notifications.Tests.Slack;

public sealed class SlackWebhookTests
{
    [Fact]
    public async Task Webhook_NewRca_PostsTextAndBlocksWithinSlackLimits()
    {
        await using var slack = await SlackReceivers.StartWebhookAsync();
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T000/B000/XXXX")));

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Null(result.ThreadKey);
        var request = slack.Single;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T000/B000/XXXX", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Null(request.Header("Authorization"));
        var payload = request.Json();
        Assert.Empty(SlackRules.Violations(payload));
        Assert.Equal(["blocks", "text"], payload.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("header", payload.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Equal("KubePodCrashLooping: shop/checkout-api-6d8f7c9b5-x7k2p", payload.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Webhook_InvalidPayload400_IsPermanentWithTheCode()
    {
        await using var slack = await Receiver.StartAsync(400, "invalid_payload", "text/plain");
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")));

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("invalid_payload", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("/services/T/B/X", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_429WithRetryAfter_IsRetryableAfterThatManySeconds()
    {
        await using var slack = await Receiver.StartAsync(429, "rate_limited", "text/plain", ("Retry-After", "7"));
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")));

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task Webhook_500_IsRetryableWithoutRetryingItself()
    {
        await using var slack = await Receiver.StartAsync(500, "rollup_error", "text/plain");
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")));

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Contains("500", result.Error, StringComparison.Ordinal);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task Webhook_ReceiverNeverAnswers_IsRetryableAfterTheConfiguredTimeout()
    {
        await using var slack = await Receiver.StartSilentAsync();
        await using var services = Channels.Build(
            ("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")),
            ("Klarsicht:Slack:Timeout", Channels.ShortTimeout));
        var started = TimeProvider.System.GetTimestamp();

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Contains("no answer", result.Error, StringComparison.Ordinal);
        // Far below the 10 s default: the configured timeout applied.
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Webhook_ReceiverDown_IsRetryable()
    {
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", Receiver.ClosedPortUrl() + "/services/T/B/X"));

        var result = await services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.DoesNotContain("/services/T/B/X", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_RouteWebhookOverride_PostsToTheTeamsWebhookInstead()
    {
        await using var fallback = await SlackReceivers.StartWebhookAsync();
        await using var team = await SlackReceivers.StartWebhookAsync();
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", fallback.Url("/services/default")));
        var request = Channels.Request(TestRcas.OutOfMemory()) with { SlackWebhookUrl = team.Url("/services/payments") };

        var result = await services.Slack().SendAsync(request, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("/services/payments", team.Single.Path);
        Assert.Empty(fallback.Requests);
    }

    [Fact]
    public async Task Webhook_Resolved_PostsShortNewMessageBecauseWebhooksCannotThread()
    {
        await using var slack = await SlackReceivers.StartWebhookAsync();
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")));
        var request = Channels.Request(TestRcas.OutOfMemory(), NotificationKind.Resolved) with { ThreadKey = "C1:1.2" };

        var result = await services.Slack().SendAsync(request, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var payload = slack.Single.Json();
        Assert.Empty(SlackRules.Violations(payload));
        Assert.False(payload.TryGetProperty("thread_ts", out _));
        Assert.Contains("Resolved", payload.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unconfigured_ReportsNotConfiguredAndSkips()
    {
        await using var services = Channels.Build();

        var slack = services.Slack();
        var result = await slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.False(slack.IsConfigured);
        Assert.Equal(DeliveryOutcome.Skipped, result.Outcome);
    }

    [Fact]
    public async Task CallerCancellation_PropagatesInsteadOfBecomingAResult()
    {
        await using var slack = await Receiver.StartSilentAsync();
        await using var services = Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X")));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.Slack().SendAsync(Channels.Request(TestRcas.OutOfMemory()), cancel.Token));
    }
}
