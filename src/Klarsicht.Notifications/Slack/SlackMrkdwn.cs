using System.Text;
using Klarsicht.Core.Redaction;

namespace Klarsicht.Notifications.Slack;

/// <summary>Text hygiene for Slack: redact, escape and cut text that we did not write ourselves.</summary>
public static class SlackMrkdwn
{
    private const string Fence = "```";

    /// <summary>Escapes the three characters Slack reserves (<c>&amp; &lt; &gt;</c>); everything else stays.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Outside text made safe for mrkdwn: secrets redacted first (they match on raw text), then escaped.</summary>
    public static string Clean(string? text) => Escape(SecretRedactor.Redact(text));

    /// <summary>
    /// Outside text for inside a code block: cleaned, and with backticks swapped for a look-alike so that a log
    /// line cannot close the block.
    /// </summary>
    public static string CleanCode(string? text) => Clean(text).Replace('`', 'ˋ');

    /// <summary>Outside text on one line (for fields, bullets, headers).</summary>
    public static string CleanLine(string? text) => Clean(OneLine(text));

    /// <summary>
    /// Cuts mrkdwn to at most <paramref name="max"/> characters, ending in "…". Never splits an escape entity, a
    /// link or a surrogate pair, and closes a code block the cut left open.
    /// </summary>
    public static string Truncate(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 8);
        if (text.Length <= max)
        {
            return text;
        }

        var prefix = SafePrefix(text, max - 1);
        if (CountFences(prefix) % 2 == 1)
        {
            prefix = SafePrefix(text, max - 1 - (Fence.Length + 1));
            if (CountFences(prefix) % 2 == 1)
            {
                return prefix + "…\n" + Fence;
            }
        }

        return prefix + "…";
    }

    private static string SafePrefix(string text, int length)
    {
        var cut = Math.Min(length, text.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        // An entity ("&amp;") cut in half would show raw; a link ("<url|label>") cut in half would break.
        var amp = text.LastIndexOf('&', Math.Max(cut - 1, 0));
        if (amp >= 0 && cut - amp < 6 && text.IndexOf(';', amp, cut - amp) < 0)
        {
            cut = amp;
        }

        var open = cut > 0 ? text.LastIndexOf('<', cut - 1) : -1;
        if (open >= 0 && text.IndexOf('>', open, cut - open) < 0)
        {
            cut = open;
        }

        // Leave no half-written fence behind.
        while (cut > 0 && text[cut - 1] == '`')
        {
            cut--;
        }

        return text[..cut].TrimEnd(' ');
    }

    private static int CountFences(string text)
    {
        var count = 0;
        for (var i = text.IndexOf(Fence, StringComparison.Ordinal); i >= 0; i = text.IndexOf(Fence, i + Fence.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (!space || !lastWasSpace)
            {
                builder.Append(space ? ' ' : c);
            }

            lastWasSpace = space;
        }

        return builder.ToString().Trim();
    }
}
