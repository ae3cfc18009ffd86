using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Slack;

/// <summary>Puts the bot token on Web API calls, so it never appears in a body or a log of one.</summary>
internal sealed class SlackBotTokenHandler(IOptionsMonitor<SlackOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.BotToken is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
