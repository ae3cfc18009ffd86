namespace Klarsicht.Notifications.Slack;

/// <summary>Where a Slack message lives: what <c>chat.postMessage</c> needs to reply in its thread.</summary>
public sealed record SlackThread(string Channel, string Ts)
{
    public override string ToString() => $"{Channel}:{Ts}";

    /// <summary>Reads a <c>channel:ts</c> thread key; null when there is none or it is not one.</summary>
    public static SlackThread? Parse(string? threadKey)
    {
        if (string.IsNullOrWhiteSpace(threadKey))
        {
            return null;
        }

        var colon = threadKey.LastIndexOf(':');
        return colon > 0 && colon < threadKey.Length - 1
            ? new SlackThread(threadKey[..colon], threadKey[(colon + 1)..])
            : null;
    }
}
