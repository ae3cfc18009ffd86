using System.Text;
using Klarsicht.Core.Redaction;

namespace Klarsicht.Notifications.Delivery;

/// <summary>Errors end up stored on the RCA and in logs: one redacted line, short enough to read.</summary>
internal static class ErrorText
{
    public const int MaxLength = 200;

    public static string Short(string text)
    {
        var redacted = SecretRedactor.Redact(text);
        var builder = new StringBuilder(Math.Min(redacted.Length, MaxLength + 1));
        var lastWasSpace = false;
        foreach (var c in redacted)
        {
            var space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (space && (lastWasSpace || builder.Length == 0))
            {
                continue;
            }

            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
            if (builder.Length > MaxLength)
            {
                break;
            }
        }

        var line = builder.ToString().TrimEnd();
        return line.Length <= MaxLength ? line : line[..(MaxLength - 1)] + "…";
    }
}
