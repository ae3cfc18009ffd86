using Klarsicht.Notifications.Delivery;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Slack;

/// <summary>Bad Slack configuration fails at startup. Messages name keys, never values: URLs and tokens are secrets.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    private const string Prefix = "Klarsicht:Slack";

    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var errors = new List<string>();

        if (options.HasWebhook && !UrlRules.IsAbsoluteHttpUrl(options.WebhookUrl))
        {
            errors.Add($"{Prefix}:WebhookUrl must be an absolute http(s) URL.");
        }

        if (!UrlRules.IsAbsoluteHttpUrl(options.ApiUrl))
        {
            errors.Add($"{Prefix}:ApiUrl must be an absolute http(s) URL (default {SlackOptions.DefaultApiUrl}).");
        }

        ChannelFilterRules.Check(Prefix, options.MinimumConfidence, options.Timeout, options.Categories, errors);

        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var key = $"{Prefix}:Routes:{i}";
            if (!string.IsNullOrWhiteSpace(route.WebhookUrl) && !UrlRules.IsAbsoluteHttpUrl(route.WebhookUrl))
            {
                errors.Add($"{key}:WebhookUrl must be an absolute http(s) URL.");
            }

            if (!string.IsNullOrWhiteSpace(route.Channel) && !options.HasBot)
            {
                errors.Add($"{key}:Channel needs {Prefix}:BotToken (an incoming webhook cannot choose its channel).");
            }

            if (!string.IsNullOrWhiteSpace(route.Channel) && !string.IsNullOrWhiteSpace(route.WebhookUrl))
            {
                errors.Add($"{key} gives both Channel and WebhookUrl; give one.");
            }

            if (route.Skip && (!string.IsNullOrWhiteSpace(route.Channel) || !string.IsNullOrWhiteSpace(route.WebhookUrl)))
            {
                errors.Add($"{key} skips and also names a destination; drop one.");
            }
        }

        if (options.HasBot && string.IsNullOrWhiteSpace(options.Channel))
        {
            var routesGiveOne = options.Routes.Count > 0 && options.Routes.TrueForAll(r =>
                r.Skip || !string.IsNullOrWhiteSpace(r.Channel) || !string.IsNullOrWhiteSpace(r.WebhookUrl));
            if (!routesGiveOne)
            {
                errors.Add($"{Prefix}:BotToken needs {Prefix}:Channel unless every route gives a Channel.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
