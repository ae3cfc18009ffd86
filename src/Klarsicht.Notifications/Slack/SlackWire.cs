using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Klarsicht.Notifications.Slack;

/// <summary>The Slack Web API, as far as Klarsicht uses it. Errors come back as HTTP 200 with <c>ok:false</c>.</summary>
internal interface ISlackWebApi
{
    [Post("/chat.postMessage")]
    Task<HttpResponseMessage> PostMessageAsync([Body(buffered: true)] ChatPostMessage message, CancellationToken ct);
}

/// <summary><c>chat.postMessage</c>; the token travels in the Authorization header, never in the body.</summary>
internal sealed record ChatPostMessage(
    string Channel,
    string Text,
    IReadOnlyList<SlackBlock> Blocks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThreadTs = null,
    bool UnfurlLinks = false,
    bool UnfurlMedia = false);

/// <summary>An incoming webhook takes only text and blocks; the channel is fixed by the webhook itself.</summary>
internal sealed record WebhookMessage(string Text, IReadOnlyList<SlackBlock> Blocks);

/// <summary>The parts of a Web API answer we read.</summary>
internal sealed record SlackApiAnswer(bool Ok, string? Error, string? Channel, string? Ts);

internal static class SlackJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
