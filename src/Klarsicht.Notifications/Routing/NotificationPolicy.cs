using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Grafana;
using Klarsicht.Notifications.Slack;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Routing;

/// <summary>What one channel should do with one RCA.</summary>
/// <param name="Channel">"slack" or "grafana".</param>
/// <param name="Deliver">False when the channel is off or its filters or routes say no.</param>
/// <param name="Reason">Why, in a few words (for logs and the RCA's notification state).</param>
/// <param name="SlackChannel">The matching route's channel, for <see cref="NotificationRequest.SlackChannel"/>.</param>
/// <param name="SlackWebhookUrl">The matching route's webhook, for <see cref="NotificationRequest.SlackWebhookUrl"/>.</param>
public sealed record ChannelDecision(string Channel, bool Deliver, string Reason, string? SlackChannel = null, string? SlackWebhookUrl = null)
{
    /// <summary>The request with this decision's routing overrides filled in.</summary>
    public NotificationRequest ApplyTo(NotificationRequest request) =>
        request with
        {
            SlackChannel = SlackChannel ?? request.SlackChannel,
            SlackWebhookUrl = SlackWebhookUrl ?? request.SlackWebhookUrl,
        };
}

/// <summary>
/// Decides which channels get an RCA: the channel must be configured, the RCA finished, at or above the minimum
/// confidence and in the category filter; for Slack the first matching route then picks the destination or skips.
/// </summary>
public sealed class NotificationPolicy(IOptionsMonitor<SlackOptions> slack, IOptionsMonitor<GrafanaOptions> grafana)
{
    /// <summary>One decision per channel, Slack first.</summary>
    public IReadOnlyList<ChannelDecision> Decide(Rca rca) => Decide(rca, slack.CurrentValue, grafana.CurrentValue);

    /// <summary>The same decision for given options: pure, for tests and tools.</summary>
    public static IReadOnlyList<ChannelDecision> Decide(Rca rca, SlackOptions slack, GrafanaOptions grafana)
    {
        ArgumentNullException.ThrowIfNull(rca);
        return [DecideSlack(rca, slack), DecideGrafana(rca, grafana)];
    }

    public static ChannelDecision DecideSlack(Rca rca, SlackOptions options)
    {
        const string Name = ChannelNames.Slack;
        if (!options.IsConfigured)
        {
            return new ChannelDecision(Name, false, "not configured");
        }

        if (Filter(rca, options.MinimumConfidence, options.Categories) is { } reason)
        {
            return new ChannelDecision(Name, false, reason);
        }

        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            if (!Matches(route, rca))
            {
                continue;
            }

            if (route.Skip)
            {
                return new ChannelDecision(Name, false, $"route {i} skips it");
            }

            var channel = Blank(route.Channel);
            var webhook = Blank(route.WebhookUrl);
            if (channel is null && webhook is null && !HasDefault(options))
            {
                return new ChannelDecision(Name, false, $"route {i} matched but names no channel and there is no default");
            }

            return new ChannelDecision(Name, true, $"route {i}", channel, webhook);
        }

        return HasDefault(options)
            ? new ChannelDecision(Name, true, "default destination")
            : new ChannelDecision(Name, false, "no route matched and there is no default channel");
    }

    public static ChannelDecision DecideGrafana(Rca rca, GrafanaOptions options)
    {
        const string Name = ChannelNames.Grafana;
        if (!options.IsConfigured)
        {
            return new ChannelDecision(Name, false, "not configured");
        }

        return Filter(rca, options.MinimumConfidence, options.Categories) is { } reason
            ? new ChannelDecision(Name, false, reason)
            : new ChannelDecision(Name, true, "annotate");
    }

    /// <summary>Null when the RCA passes; otherwise why not.</summary>
    private static string? Filter(Rca rca, double minimumConfidence, IReadOnlyCollection<string> categories)
    {
        if (rca.Status is not (RcaStatus.Completed or RcaStatus.Failed))
        {
            return $"investigation is still {rca.Status}";
        }

        var confidence = rca.Confidence ?? 0;
        if (minimumConfidence > 0 && confidence < minimumConfidence)
        {
            return $"confidence {confidence:0.00} is below {minimumConfidence:0.00}";
        }

        if (categories.Count > 0 && (rca.RootCause is null || !categories.Contains(rca.RootCause.Category, StringComparer.Ordinal)))
        {
            return $"category {rca.RootCause?.Category ?? "(none)"} is filtered out";
        }

        return null;
    }

    private static bool Matches(SlackRoute route, Rca rca)
    {
        var labels = rca.Alert?.Labels;
        if (Blank(route.Namespace) is { } pattern)
        {
            var ns = rca.Target?.Namespace ?? (labels?.TryGetValue("namespace", out var label) == true ? label : null);
            if (ns is null || !Glob.IsMatch(pattern, ns))
            {
                return false;
            }
        }

        if (route.Labels is { Count: > 0 } wanted)
        {
            foreach (var (key, value) in wanted)
            {
                if (labels is null || !labels.TryGetValue(key, out var actual) || !Glob.IsMatch(value, actual))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool HasDefault(SlackOptions options) =>
        options.HasWebhook || (options.HasBot && Blank(options.Channel) is not null);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Route patterns: exact text, with <c>*</c> for any run of characters.</summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string text) => Match(pattern.AsSpan(), text.AsSpan());

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
