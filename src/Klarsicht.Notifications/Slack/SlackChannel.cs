using System.Net.Http.Json;
using System.Text.Json;
using Klarsicht.Notifications.Delivery;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Slack;

/// <summary>
/// Posts RCAs to Slack: <c>chat.postMessage</c> with the bot token when there is one (the only way to thread the
/// resolution under the RCA), otherwise the incoming webhook. A route's webhook wins over the bot.
/// </summary>
internal sealed class SlackChannel(
    ISlackWebApi webApi,
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<SlackOptions> options,
    TimeProvider time) : INotificationChannel
{
    public const string WebhookClientName = "Klarsicht.Slack.Webhook";

    // Slack answers ok:false with these when trying again later can succeed.
    private static readonly HashSet<string> RetryableErrors = new(StringComparer.Ordinal)
    {
        "ratelimited", "rate_limited", "service_unavailable", "internal_error", "fatal_error", "request_timeout",
    };

    public string Name => ChannelNames.Slack;

    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public Task<DeliveryResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
        {
            return Task.FromResult(DeliveryResult.Skipped("slack: not configured"));
        }

        var message = SlackMessageBuilder.Build(request, time.GetUtcNow());
        var thread = request.Kind == NotificationKind.NewRca ? null : SlackThread.Parse(request.ThreadKey);

        // A reply belongs in the RCA's thread, which only the bot can reach.
        if (settings.HasBot && (thread is not null || string.IsNullOrWhiteSpace(request.SlackWebhookUrl)))
        {
            var channel = thread?.Channel ?? NonEmpty(request.SlackChannel) ?? NonEmpty(settings.Channel);
            if (channel is not null)
            {
                var post = new ChatPostMessage(channel, message.Text, message.Blocks, thread?.Ts);
                return HttpDelivery.RunAsync(Name, settings.Timeout, token => PostMessageAsync(post, token), ct);
            }
        }

        var webhook = NonEmpty(request.SlackWebhookUrl) ?? NonEmpty(settings.WebhookUrl);
        if (webhook is null)
        {
            return Task.FromResult(DeliveryResult.Skipped("slack: no channel or webhook for this RCA"));
        }

        if (!UrlRules.IsAbsoluteHttpUrl(webhook))
        {
            return Task.FromResult(DeliveryResult.Permanent("slack: the webhook URL is not an absolute http(s) URL"));
        }

        var payload = new WebhookMessage(message.Text, message.Blocks);
        return HttpDelivery.RunAsync(Name, settings.Timeout, token => PostWebhookAsync(new Uri(webhook), payload, token), ct);
    }

    private async Task<DeliveryResult> PostMessageAsync(ChatPostMessage message, CancellationToken ct)
    {
        using var response = await webApi.PostMessageAsync(message, ct);
        if (!response.IsSuccessStatusCode)
        {
            var code = await ReadErrorCodeAsync(response, ct);
            return HttpDelivery.FromFailedStatus(Name, response, code, time);
        }

        SlackApiAnswer? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<SlackApiAnswer>(SlackJson.Options, ct);
        }
        catch (JsonException)
        {
            answer = null;
        }

        if (answer is null)
        {
            return DeliveryResult.Permanent("slack: the Web API answered with something other than JSON (check ApiUrl)");
        }

        if (answer.Ok)
        {
            var threadKey = answer.Channel is { Length: > 0 } && answer.Ts is { Length: > 0 }
                ? new SlackThread(answer.Channel, answer.Ts).ToString()
                : null;
            return DeliveryResult.Sent(threadKey);
        }

        var error = answer.Error is { Length: > 0 } e ? e : "unknown_error";
        return RetryableErrors.Contains(error)
            ? DeliveryResult.Retryable($"slack: {error}", HttpDelivery.RetryAfter(response, time))
            : DeliveryResult.Permanent($"slack: {error}");
    }

    private async Task<DeliveryResult> PostWebhookAsync(Uri webhook, WebhookMessage payload, CancellationToken ct)
    {
        var client = httpClientFactory.CreateClient(WebhookClientName);
        using var content = JsonContent.Create(payload, options: SlackJson.Options);
        await content.LoadIntoBufferAsync(ct);
        using var response = await client.PostAsync(webhook, content, ct);
        if (response.IsSuccessStatusCode)
        {
            // The webhook answers a bare "ok" and no ts: nothing to thread under later.
            return DeliveryResult.Sent();
        }

        var body = await HttpDelivery.ReadShortBodyAsync(response, ct);
        return HttpDelivery.FromFailedStatus(Name, response, body, time);
    }

    private static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await HttpDelivery.ReadShortBodyAsync(response, ct);
        if (body is null || !body.StartsWith('{'))
        {
            return body;
        }

        try
        {
            return JsonSerializer.Deserialize<SlackApiAnswer>(body, SlackJson.Options)?.Error ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
