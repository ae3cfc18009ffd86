using Klarsicht.Testing.Http;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Tests.Infrastructure;

namespace Klarsicht.Notifications.Tests.Slack;

public sealed class SlackBotTests
{
    private static ServiceProviderFor Bot(Receiver api, params (string, string?)[] extra) =>
        new(Channels.Build([
            ("Klarsicht:Slack:BotToken", Channels.BotToken),
            ("Klarsicht:Slack:Channel", "C0DEFAULT"),
            ("Klarsicht:Slack:ApiUrl", api.Url("/api")),
            .. extra,
        ]));

    [Fact]
    public async Task Bot_NewRca_PostsChatPostMessageWithBearerHeaderAndReturnsChannelAndTs()
    {
        await using var slack = await SlackReceivers.StartWebApiAsync(Channels.BotToken);
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("C0DEFAULT:1789010123.456789", result.ThreadKey);
        var request = slack.Single;
        Assert.Equal("/api/chat.postMessage", request.Path);
        Assert.Equal($"Bearer {Channels.BotToken}", request.Header("Authorization"));
        Assert.Contains("charset=utf-8", request.Header("Content-Type"), StringComparison.OrdinalIgnoreCase);
        var payload = request.Json();
        Assert.Empty(SlackRules.Violations(payload));
        Assert.Equal("C0DEFAULT", payload.GetProperty("channel").GetString());
        Assert.False(payload.GetProperty("unfurl_links").GetBoolean());
        Assert.False(payload.TryGetProperty("thread_ts", out _));
        Assert.False(payload.TryGetProperty("token", out _));
        Assert.DoesNotContain(Channels.BotToken, request.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NotificationKind.Resolved, "Resolved after 27 min")]
    [InlineData(NotificationKind.Refired, "Fired again")]
    public async Task Bot_FollowUpWithThreadKey_RepliesInTheRcasThread(NotificationKind kind, string expected)
    {
        await using var slack = await SlackReceivers.StartWebApiAsync(Channels.BotToken);
        await using var services = Bot(slack);
        var rca = TestRcas.OutOfMemory() with
        {
            Alert = TestRcas.OutOfMemory().Alert! with { StartsAt = DateTimeOffset.UtcNow.AddMinutes(-27).AddSeconds(-10), ReceivedCount = 3 },
        };
        var request = Channels.Request(rca, kind) with { ThreadKey = "C0TEAM:1789010000.000100" };

        var result = await services.Slack.SendAsync(request, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var payload = slack.Single.Json();
        Assert.Empty(SlackRules.Violations(payload));
        Assert.Equal("C0TEAM", payload.GetProperty("channel").GetString());
        Assert.Equal("1789010000.000100", payload.GetProperty("thread_ts").GetString());
        Assert.Contains(expected, SlackRules.AllText(payload), StringComparison.Ordinal);
        Assert.True(payload.GetProperty("blocks").GetArrayLength() <= 3, "a follow-up is short");
    }

    [Fact]
    public async Task Bot_NewRcaWithThreadKey_StartsANewMessageNotAReply()
    {
        await using var slack = await SlackReceivers.StartWebApiAsync(Channels.BotToken);
        await using var services = Bot(slack);
        var request = Channels.Request(TestRcas.OutOfMemory()) with { ThreadKey = "C0TEAM:1789010000.000100" };

        await services.Slack.SendAsync(request, CancellationToken.None);

        Assert.False(slack.Single.Json().TryGetProperty("thread_ts", out _));
    }

    [Fact]
    public async Task Bot_RouteChannelOverride_PostsToTheRoutesChannel()
    {
        await using var slack = await SlackReceivers.StartWebApiAsync(Channels.BotToken);
        await using var services = Bot(slack);
        var request = Channels.Request(TestRcas.OutOfMemory()) with { SlackChannel = "#team-payments" };

        var result = await services.Slack.SendAsync(request, CancellationToken.None);

        Assert.Equal("#team-payments", slack.Single.Json().GetProperty("channel").GetString());
        Assert.Equal("#team-payments:1789010123.456789", result.ThreadKey);
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("invalid_auth")]
    [InlineData("not_in_channel")]
    [InlineData("invalid_blocks")]
    [InlineData("msg_too_long")]
    public async Task Bot_OkFalse_IsPermanentWithTheErrorCode(string error)
    {
        await using var slack = await Receiver.StartAsync(200, $$"""{"ok":false,"error":"{{error}}"}""");
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Equal($"slack: {error}", result.Error);
    }

    [Fact]
    public async Task Bot_OkFalseRatelimited_IsRetryable()
    {
        await using var slack = await Receiver.StartAsync(200, """{"ok":false,"error":"ratelimited"}""");
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Contains("ratelimited", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bot_Http429WithRetryAfter7_IsRetryableAfterSevenSeconds()
    {
        await using var slack = await Receiver.StartAsync(429, """{"ok":false,"error":"ratelimited"}""", headers: ("Retry-After", "7"));
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task Bot_Http500_IsRetryable()
    {
        await using var slack = await Receiver.StartAsync(500, "upstream failure", "text/plain");
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task Bot_ReceiverNeverAnswers_IsRetryableAfterTheConfiguredTimeout()
    {
        await using var slack = await Receiver.StartSilentAsync();
        await using var services = Bot(slack, ("Klarsicht:Slack:Timeout", Channels.ShortTimeout));
        var started = TimeProvider.System.GetTimestamp();

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Bot_HtmlInsteadOfJson_IsPermanent()
    {
        await using var slack = await Receiver.StartAsync(200, "<html>proxy login</html>", "text/html");
        await using var services = Bot(slack);

        var result = await services.Slack.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PlantedSecrets_NeverReachTheReceiver(bool bot)
    {
        await using var slack = bot ? await SlackReceivers.StartWebApiAsync(Channels.BotToken) : await SlackReceivers.StartWebhookAsync();
        await using var services = bot ? Bot(slack) : new ServiceProviderFor(Channels.Build(("Klarsicht:Slack:WebhookUrl", slack.Url("/services/T/B/X"))));
        var rca = TestRcas.WithPlantedSecrets();

        foreach (var kind in Enum.GetValues<NotificationKind>())
        {
            var result = await services.Slack.SendAsync(Channels.Request(rca, kind) with { ThreadKey = "C1:1.1" }, CancellationToken.None);
            Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        }

        Assert.Equal(3, slack.Requests.Count);
        foreach (var request in slack.Requests)
        {
            foreach (var fragment in TestRcas.SecretFragments)
            {
                Assert.DoesNotContain(fragment, request.Body, StringComparison.Ordinal);
            }

            // The configured token travels in the header only.
            Assert.DoesNotContain(Channels.BotToken, request.Body, StringComparison.Ordinal);
        }

        Assert.Contains("[REDACTED]", SlackRules.AllText(slack.Requests[0].Json()), StringComparison.Ordinal);
    }

    /// <summary>Disposes the provider with the test and hands out the Slack channel.</summary>
    private sealed class ServiceProviderFor(Microsoft.Extensions.DependencyInjection.ServiceProvider provider) : IAsyncDisposable
    {
        public INotificationChannel Slack => provider.Slack();

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }
}
