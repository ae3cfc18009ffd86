namespace Klarsicht.Notifications.Delivery;

public enum DeliveryOutcome
{
    Sent,

    /// <summary>Worth another attempt later (429, 5xx, timeouts, connection errors, Slack <c>ratelimited</c>).</summary>
    RetryableFailure,

    /// <summary>Another attempt would fail the same way (bad token, unknown channel, rejected payload).</summary>
    PermanentFailure,

    /// <summary>Nothing was posted on purpose (channel not configured, nothing to post for this kind).</summary>
    Skipped,
}

/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Error">A short, redacted reason (e.g. <c>slack: channel_not_found</c>); null when sent.</param>
/// <param name="RetryAfter">How long the receiver asked us to wait (HTTP <c>Retry-After</c>).</param>
/// <param name="ThreadKey">What to store to thread later messages (Slack: <c>channel:ts</c>); null when the channel cannot thread.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Error = null, TimeSpan? RetryAfter = null, string? ThreadKey = null)
{
    public static DeliveryResult Sent(string? threadKey = null) => new(DeliveryOutcome.Sent, ThreadKey: threadKey);

    public static DeliveryResult Skipped(string reason) => new(DeliveryOutcome.Skipped, ErrorText.Short(reason));

    public static DeliveryResult Retryable(string error, TimeSpan? retryAfter = null) =>
        new(DeliveryOutcome.RetryableFailure, ErrorText.Short(error), retryAfter);

    public static DeliveryResult Permanent(string error) => new(DeliveryOutcome.PermanentFailure, ErrorText.Short(error));
}
