namespace Klarsicht.Notifications.Slack;

/// <summary>
/// <c>Klarsicht:Slack</c>. Either an incoming webhook (<see cref="WebhookUrl"/>), or the Web API with a bot token
/// (<see cref="BotToken"/> + <see cref="Channel"/>), which is needed to thread resolutions under the RCA.
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Klarsicht:Slack";

    public const string DefaultApiUrl = "https://slack.com/api";

    /// <summary>Incoming-webhook URL (a secret: never logged).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Bot token (<c>xoxb-…</c>) for <c>chat.postMessage</c>; sent only as <c>Authorization: Bearer</c>.</summary>
    public string? BotToken { get; set; }

    /// <summary>Default channel (ID or name) for the bot.</summary>
    public string? Channel { get; set; }

    /// <summary>Web API base URL; method names are appended (<c>&lt;ApiUrl&gt;/chat.postMessage</c>).</summary>
    public string ApiUrl { get; set; } = DefaultApiUrl;

    /// <summary>RCAs below this confidence (0..1) are not posted.</summary>
    public double MinimumConfidence { get; set; }

    /// <summary>Only RCAs of these taxonomy categories are posted; empty means all.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Team routing, evaluated in order; the first match wins.</summary>
    public List<SlackRoute> Routes { get; set; } = [];

    /// <summary>Per-request timeout; the outbox retries, so this stays short.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool HasWebhook => !string.IsNullOrWhiteSpace(WebhookUrl);

    public bool HasBot => !string.IsNullOrWhiteSpace(BotToken);

    /// <summary>Slack is on when there is somewhere to post: the default webhook, a bot, or a route's webhook.</summary>
    public bool IsConfigured => HasWebhook || HasBot || Routes.Exists(r => !r.Skip && !string.IsNullOrWhiteSpace(r.WebhookUrl));
}

/// <summary>
/// A team route: matches when every given condition holds (a route with no condition matches everything).
/// <see cref="Namespace"/> and label values may use <c>*</c> as a wildcard.
/// </summary>
public sealed class SlackRoute
{
    /// <summary>The target's namespace (falls back to the alert's <c>namespace</c> label).</summary>
    public string? Namespace { get; set; }

    /// <summary>Alert labels that must all be present with these values.</summary>
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Channel for the bot (requires <see cref="SlackOptions.BotToken"/>).</summary>
    public string? Channel { get; set; }

    /// <summary>An incoming webhook for this team (a secret: never logged).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Matching RCAs are not posted to Slack at all.</summary>
    public bool Skip { get; set; }
}
