using Klarsicht.Testing.Http;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.Notifications.Tests.Infrastructure;

/// <summary>Receivers that behave like Slack: they validate the payload and answer the way Slack does.</summary>
public static class SlackReceivers
{
    /// <summary>An incoming webhook: <c>200 ok</c> as text/plain, or <c>400 invalid_blocks</c> for a payload Slack would reject.</summary>
    public static Task<Receiver> StartWebhookAsync() =>
        Receiver.StartAsync(async (request, context) =>
        {
            var violations = Parse(request.Body) is { } payload ? SlackRules.Violations(payload) : ["not JSON"];
            context.Response.ContentType = "text/plain";
            context.Response.StatusCode = violations.Count == 0 ? 200 : 400;
            await context.Response.WriteAsync(violations.Count == 0 ? "ok" : "invalid_blocks", context.RequestAborted);
        });

    /// <summary>The Web API: <c>chat.postMessage</c> under <c>/api</c>, bearer token required, <c>ok:true</c> with a ts.</summary>
    public static Task<Receiver> StartWebApiAsync(string expectedToken) =>
        Receiver.StartAsync(async (request, context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            string answer;
            if (request.Path != "/api/chat.postMessage")
            {
                answer = """{"ok":false,"error":"unknown_method"}""";
            }
            else if (request.Header("Authorization") != $"Bearer {expectedToken}")
            {
                answer = """{"ok":false,"error":"not_authed"}""";
            }
            else if (Parse(request.Body) is not { } payload || SlackRules.Violations(payload).Count > 0)
            {
                answer = """{"ok":false,"error":"invalid_blocks"}""";
            }
            else
            {
                var channel = payload.GetProperty("channel").GetString();
                answer = JsonSerializer.Serialize(new { ok = true, channel, ts = "1789010123.456789", message = new { type = "message" } });
            }

            await context.Response.WriteAsync(answer, context.RequestAborted);
        });

    public static JsonElement? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement Json(this ReceivedRequest request) =>
        Parse(request.Body) ?? throw new Xunit.Sdk.XunitException($"body is not JSON: {request.Body}");
}
