using System.Text.Json.Serialization;

namespace Klarsicht.Notifications.Slack;

/// <summary>The Block Kit limits for messages (wire-formats §4.3); over-limit payloads are rejected, not truncated.</summary>
public static class SlackLimits
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxFields = 10;
    public const int MaxFieldText = 2000;
    public const int MaxHeaderText = 150;
    public const int MaxContextElements = 10;

    /// <summary><c>msg_blocks_too_long</c> was seen at about 13.2 k characters across blocks; stay well below.</summary>
    public const int MaxTotalBlockText = 12_000;

    /// <summary>The fallback <c>text</c>: Slack cuts at 40 000 but recommends 4000.</summary>
    public const int MaxFallbackText = 4000;
}

/// <summary>A Block Kit text object: <c>plain_text</c> or <c>mrkdwn</c>.</summary>
public sealed record SlackText(string Type, string Text, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Emoji = null)
{
    public const string PlainText = "plain_text";
    public const string Mrkdwn = "mrkdwn";

    public static SlackText Plain(string text) => new(PlainText, text, Emoji: true);

    public static SlackText Markdown(string text) => new(Mrkdwn, text);
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(ContextBlock), "context")]
public abstract record SlackBlock
{
    /// <summary>Characters of text this block carries (what counts towards the message-wide limit).</summary>
    /// <remarks>A method, not a property, so that it never ends up in the JSON: Slack rejects unknown block fields.</remarks>
    public abstract int CountText();
}

public sealed record HeaderBlock(SlackText Text) : SlackBlock
{
    public override int CountText() => Text.Text.Length;
}

public sealed record SectionBlock(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlackText? Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SlackText>? Fields = null) : SlackBlock
{
    public override int CountText() => (Text?.Text.Length ?? 0) + (Fields?.Sum(f => f.Text.Length) ?? 0);
}

public sealed record DividerBlock : SlackBlock
{
    public override int CountText() => 0;
}

public sealed record ContextBlock(IReadOnlyList<SlackText> Elements) : SlackBlock
{
    public override int CountText() => Elements.Sum(e => e.Text.Length);
}

/// <summary>A message for either transport: <see cref="Text"/> is the notification and screen-reader fallback.</summary>
public sealed record SlackMessage(string Text, IReadOnlyList<SlackBlock> Blocks)
{
    public int CountBlockText() => Blocks.Sum(b => b.CountText());
}
