using System.Text.Json;

namespace Klarsicht.Notifications.Tests.Infrastructure;

/// <summary>
/// What Slack checks on a message (wire-formats §4), written independently of the production builder: the
/// receivers reject what Slack would reject, and tests assert there was nothing to reject.
/// </summary>
public static class SlackRules
{
    private static readonly HashSet<string> TextTypes = ["plain_text", "mrkdwn"];

    // Slack rejects fields a block type does not define (invalid_blocks).
    private static readonly Dictionary<string, HashSet<string>> BlockKeys = new()
    {
        ["header"] = ["type", "text", "block_id"],
        ["section"] = ["type", "text", "fields", "block_id", "accessory", "expand"],
        ["divider"] = ["type", "block_id"],
        ["context"] = ["type", "elements", "block_id"],
    };

    private static readonly HashSet<string> TextKeys = ["type", "text", "emoji", "verbatim"];

    private static readonly HashSet<string> MessageKeys =
        ["channel", "text", "blocks", "thread_ts", "reply_broadcast", "unfurl_links", "unfurl_media", "mrkdwn", "metadata", "link_names", "parse"];

    public static List<string> Violations(JsonElement payload)
    {
        var errors = new List<string>();
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return ["payload is not an object"];
        }

        if (!payload.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || text.GetString()!.Length == 0)
        {
            errors.Add("text fallback missing");
        }
        else if (text.GetString()!.Length > 4000)
        {
            errors.Add($"text fallback is {text.GetString()!.Length} chars");
        }

        if (!payload.TryGetProperty("blocks", out var blocks) || blocks.ValueKind != JsonValueKind.Array)
        {
            errors.Add("blocks missing");
            return errors;
        }

        foreach (var property in payload.EnumerateObject().Where(p => !MessageKeys.Contains(p.Name)))
        {
            errors.Add($"unknown message field '{property.Name}'");
        }

        var count = blocks.GetArrayLength();
        if (count is 0 or > 50)
        {
            errors.Add($"{count} blocks");
        }

        var total = 0;
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var at = $"block {index++}";
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not null && BlockKeys.TryGetValue(type, out var allowed))
            {
                errors.AddRange(block.EnumerateObject().Where(p => !allowed.Contains(p.Name)).Select(p => $"{at} has unknown field '{p.Name}'"));
            }

            switch (type)
            {
                case "header":
                    total += CheckText(block.GetProperty("text"), 150, $"{at} header", errors, plainOnly: true);
                    break;
                case "section":
                    var hasText = block.TryGetProperty("text", out var sectionText);
                    var hasFields = block.TryGetProperty("fields", out var fields);
                    if (!hasText && !hasFields)
                    {
                        errors.Add($"{at} section has neither text nor fields");
                    }

                    if (hasText)
                    {
                        total += CheckText(sectionText, 3000, $"{at} section", errors);
                    }

                    if (hasFields)
                    {
                        if (fields.GetArrayLength() is 0 or > 10)
                        {
                            errors.Add($"{at} has {fields.GetArrayLength()} fields");
                        }

                        foreach (var field in fields.EnumerateArray())
                        {
                            total += CheckText(field, 2000, $"{at} field", errors);
                        }
                    }

                    break;
                case "context":
                    var elements = block.GetProperty("elements");
                    if (elements.GetArrayLength() is 0 or > 10)
                    {
                        errors.Add($"{at} context has {elements.GetArrayLength()} elements");
                    }

                    foreach (var element in elements.EnumerateArray())
                    {
                        total += CheckText(element, 3000, $"{at} context element", errors);
                    }

                    break;
                case "divider":
                    break;
                default:
                    errors.Add($"{at} has unknown type '{type}'");
                    break;
            }
        }

        if (total > 12_000)
        {
            errors.Add($"{total} characters of block text");
        }

        return errors;
    }

    public static int TotalBlockText(JsonElement payload)
    {
        var total = 0;
        foreach (var block in payload.GetProperty("blocks").EnumerateArray())
        {
            foreach (var text in Texts(block))
            {
                total += text.Length;
            }
        }

        return total;
    }

    /// <summary>Every text string in the blocks, for content assertions.</summary>
    public static IEnumerable<string> Texts(JsonElement block)
    {
        if (block.TryGetProperty("text", out var text))
        {
            yield return text.GetProperty("text").GetString()!;
        }

        foreach (var name in new[] { "fields", "elements" })
        {
            if (block.TryGetProperty(name, out var list))
            {
                foreach (var item in list.EnumerateArray())
                {
                    yield return item.GetProperty("text").GetString()!;
                }
            }
        }
    }

    public static string AllText(JsonElement payload) =>
        payload.GetProperty("text").GetString() + "\n" +
        string.Join("\n", payload.GetProperty("blocks").EnumerateArray().SelectMany(Texts));

    private static int CheckText(JsonElement text, int max, string at, List<string> errors, bool plainOnly = false)
    {
        errors.AddRange(text.EnumerateObject().Where(p => !TextKeys.Contains(p.Name)).Select(p => $"{at} text has unknown field '{p.Name}'"));
        var type = text.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is null || !TextTypes.Contains(type) || (plainOnly && type != "plain_text"))
        {
            errors.Add($"{at} text type '{type}'");
        }

        var value = text.TryGetProperty("text", out var v) ? v.GetString() ?? string.Empty : string.Empty;
        if (value.Length == 0)
        {
            errors.Add($"{at} text is empty");
        }

        if (value.Length > max)
        {
            errors.Add($"{at} text is {value.Length} chars (max {max})");
        }

        return value.Length;
    }
}
