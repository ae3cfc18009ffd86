using System.Globalization;
using System.Text;
using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;

namespace Klarsicht.Notifications.Slack;

/// <summary>
/// Turns an RCA into a Block Kit message that Slack accepts: every outside string is redacted and escaped, and
/// the message stays inside every limit in <see cref="SlackLimits"/>. When it would not, long text is cut with
/// "…" and the least important blocks go first (evidence, then the cascade, then fix steps); the header, the
/// category/confidence fields and the root cause always stay.
/// </summary>
public static class SlackMessageBuilder
{
    /// <summary>Our own target for all block text, below <see cref="SlackLimits.MaxTotalBlockText"/> for headroom.</summary>
    public const int TotalBudget = 11_000;

    private const int MaxEvidenceItems = 5;
    private const int MaxEvidenceSummary = 400;
    private const int MaxEvidenceDetail = 600;
    private const int MaxFixDescription = 500;
    private const int MaxFixCommand = 800;
    private const int MaxHopSummary = 300;
    private const int MaxFieldText = 300;
    private const int MaxSummary = 2000;
    private const int MinUsefulSection = 200;

    // Lower is more important; 0 is never dropped.
    private const int Essential = 0;
    private const int Links = 1;
    private const int Fix = 2;
    private const int Cascade = 3;
    private const int Evidence = 4;
    private const int Decoration = 9;

    public static SlackMessage Build(NotificationRequest request, DateTimeOffset now) => request.Kind switch
    {
        NotificationKind.Resolved => BuildResolved(request, now),
        NotificationKind.Refired => BuildRefired(request),
        _ => BuildRca(request),
    };

    private static SlackMessage BuildRca(NotificationRequest request)
    {
        var rca = request.Rca;
        var parts = new List<(SlackBlock Block, int Priority)>
        {
            (new HeaderBlock(SlackText.Plain(Header(rca))), Essential),
            (new SectionBlock(null, Fields(rca)), Essential),
            (Section(RootCauseText(rca)), Essential),
        };

        if (rca.RootCause?.Chain is { Count: > 0 } chain)
        {
            parts.Add((Section(CascadeText(chain)), Cascade));
        }

        if (rca.Evidence is { Count: > 0 } evidence)
        {
            parts.Add((Section(EvidenceText(evidence)), Evidence));
        }

        if (rca.FixSteps is { Count: > 0 } steps)
        {
            parts.Add((new DividerBlock(), Decoration));
            parts.Add((Section(FixText(steps)), Fix));
        }

        if (LinksContext(request, rca) is { } context)
        {
            parts.Add((context, Links));
        }

        return new SlackMessage(Fallback(FallbackText(rca)), Fit(parts));
    }

    private static SlackMessage BuildResolved(NotificationRequest request, DateTimeOffset now)
    {
        var rca = request.Rca;
        var since = rca.Alert?.StartsAt ?? rca.ReceivedAt;
        var after = FormatDuration(now - since);
        var subject = SubjectLine(rca);
        var text = new StringBuilder()
            .Append(":white_check_mark: *Resolved* after ").Append(after).Append(": ").Append(subject);
        if (rca.RootCause is { } root)
        {
            text.Append("\nRoot cause was `").Append(SlackMrkdwn.CleanLine(root.Category)).Append("`: ")
                .Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(root.Summary), 500));
        }

        var parts = new List<(SlackBlock, int)> { (Section(text.ToString()), Essential) };
        if (LinksContext(request, rca) is { } context)
        {
            parts.Add((context, Links));
        }

        return new SlackMessage(Fallback($"Resolved after {after}: {subject}"), Fit(parts));
    }

    private static SlackMessage BuildRefired(NotificationRequest request)
    {
        var rca = request.Rca;
        var subject = SubjectLine(rca);
        var count = rca.Alert?.ReceivedCount is > 1 and var n ? $" ({n.ToString(CultureInfo.InvariantCulture)} times so far)" : string.Empty;
        var text = new StringBuilder()
            .Append(":repeat: *Fired again*").Append(count).Append(": ").Append(subject);
        if (rca.RootCause is { } root)
        {
            text.Append("\nThe RCA found `").Append(SlackMrkdwn.CleanLine(root.Category)).Append("`: ")
                .Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(root.Summary), 500));
        }

        var parts = new List<(SlackBlock, int)> { (Section(text.ToString()), Essential) };
        if (LinksContext(request, rca) is { } context)
        {
            parts.Add((context, Links));
        }

        return new SlackMessage(Fallback($"Fired again: {subject}"), Fit(parts));
    }

    /// <summary>Drops or cuts the least important blocks until the message fits the block count and text budget.</summary>
    private static List<SlackBlock> Fit(List<(SlackBlock Block, int Priority)> parts)
    {
        while (true)
        {
            var overBlocks = parts.Count - SlackLimits.MaxBlocks;
            var overText = parts.Sum(p => p.Block.CountText()) - TotalBudget;
            if (overBlocks <= 0 && overText <= 0)
            {
                return parts.Select(p => p.Block).ToList();
            }

            var victim = -1;
            for (var i = parts.Count - 1; i >= 0; i--)
            {
                var candidate = parts[i];
                // When only text is over, removing a block without text gains nothing.
                if (candidate.Priority == Essential || (overBlocks <= 0 && candidate.Block.CountText() == 0))
                {
                    continue;
                }

                if (victim < 0 || candidate.Priority > parts[victim].Priority)
                {
                    victim = i;
                }
            }

            if (victim < 0)
            {
                // Only essential blocks are left; each is capped so that together they fit.
                return parts.Select(p => p.Block).ToList();
            }

            var (block, priority) = parts[victim];
            if (overBlocks <= 0
                && block is SectionBlock { Text: { } text, Fields: null }
                && text.Text.Length - overText - 1 >= MinUsefulSection)
            {
                parts[victim] = (Section(SlackMrkdwn.Truncate(text.Text, text.Text.Length - overText)), priority);
                continue;
            }

            parts.RemoveAt(victim);
        }
    }

    private static SectionBlock Section(string mrkdwn) =>
        new(SlackText.Markdown(SlackMrkdwn.Truncate(mrkdwn, SlackLimits.MaxSectionText)));

    private static string Header(Rca rca)
    {
        var alert = rca.Alert?.Name is { Length: > 0 } name ? name : "Klarsicht RCA";
        var text = SlackMrkdwn.CleanLine($"{alert}: {TargetPath(rca)}");
        return SlackMrkdwn.Truncate(text, SlackLimits.MaxHeaderText);
    }

    private static List<SlackText> Fields(Rca rca)
    {
        var fields = new List<string>
        {
            $"*Category*\n`{SlackMrkdwn.CleanLine(rca.RootCause?.Category ?? "none")}`",
            $"*Confidence*\n{FormatConfidence(rca.Confidence)}",
        };

        if (rca.Target is { } target)
        {
            var container = target.Container is { Length: > 0 } c ? $" (container `{SlackMrkdwn.CleanLine(c)}`)" : string.Empty;
            fields.Add($"*Target*\n{SlackMrkdwn.CleanLine(target.Kind)} `{SlackMrkdwn.CleanLine(target.Name)}`{container}");
        }

        if (rca.RootCause?.Culprit is { } culprit)
        {
            fields.Add($"*Culprit*\n{SlackMrkdwn.CleanLine(culprit.Kind)} `{SlackMrkdwn.CleanLine(ObjectPath(culprit.Namespace, culprit.Name))}`");
        }

        if (rca.Alert is { } alert)
        {
            var times = alert.ReceivedCount > 1 ? $" · received {alert.ReceivedCount.ToString(CultureInfo.InvariantCulture)}×" : string.Empty;
            fields.Add($"*Alert*\n{SlackMrkdwn.CleanLine(alert.Status)} since {alert.StartsAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC{times}");
        }

        return fields
            .Take(SlackLimits.MaxFields)
            .Select(f => SlackText.Markdown(SlackMrkdwn.Truncate(f, MaxFieldText)))
            .ToList();
    }

    private static string RootCauseText(Rca rca)
    {
        if (rca.RootCause is { } root)
        {
            return "*Root cause:* " + SlackMrkdwn.Truncate(SlackMrkdwn.Clean(root.Summary), MaxSummary);
        }

        var reason = rca.Error is { Length: > 0 } error ? SlackMrkdwn.Truncate(SlackMrkdwn.Clean(error), MaxSummary) : "no root cause was determined.";
        return $"*Investigation {SlackMrkdwn.CleanLine(rca.Status)}:* {reason}";
    }

    private static string CascadeText(IReadOnlyList<ChainHop> chain)
    {
        var text = new StringBuilder("*Cascade* (from the alerting object to the root)");
        for (var i = 0; i < chain.Count; i++)
        {
            var hop = chain[i];
            text.Append('\n').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(". ")
                .Append(SlackMrkdwn.CleanLine(hop.Kind)).Append(" `").Append(SlackMrkdwn.CleanLine(ObjectPath(hop.Namespace, hop.Name))).Append('`')
                .Append(" · `").Append(SlackMrkdwn.CleanLine(hop.Category)).Append("` ")
                .Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(hop.Summary), MaxHopSummary));
        }

        return text.ToString();
    }

    private static string EvidenceText(IReadOnlyList<EvidenceItem> evidence)
    {
        // The report lists the strongest evidence first.
        const string Title = "*Evidence*";
        var text = new StringBuilder(Title);
        var shown = 0;
        foreach (var item in evidence.Take(MaxEvidenceItems))
        {
            var entry = new StringBuilder("\n• *").Append(SlackMrkdwn.CleanLine(item.Source)).Append("* ")
                .Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(item.Summary), MaxEvidenceSummary));
            if (!string.IsNullOrWhiteSpace(item.Detail))
            {
                entry.Append("\n```").Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanCode(item.Detail.Trim()), MaxEvidenceDetail)).Append("```");
            }

            if (!TryAppend(text, entry.ToString(), shown == 0))
            {
                break;
            }

            shown++;
        }

        AppendMore(text, evidence.Count - shown, "evidence items");
        return text.ToString();
    }

    private static string FixText(IReadOnlyList<FixStep> steps)
    {
        var text = new StringBuilder("*Fix*");
        var shown = 0;
        foreach (var step in steps)
        {
            var entry = new StringBuilder("\n").Append((shown + 1).ToString(CultureInfo.InvariantCulture)).Append(". ")
                .Append(SlackMrkdwn.Truncate(SlackMrkdwn.Clean(step.Description.Trim()), MaxFixDescription));
            if (!string.IsNullOrWhiteSpace(step.Command))
            {
                entry.Append("\n```").Append(SlackMrkdwn.Truncate(SlackMrkdwn.CleanCode(step.Command.Trim()), MaxFixCommand)).Append("```");
            }

            if (!TryAppend(text, entry.ToString(), shown == 0))
            {
                break;
            }

            shown++;
        }

        AppendMore(text, steps.Count - shown, "steps");
        return text.ToString();
    }

    /// <summary>Appends whole entries while they fit one section (leaving room for the "more" line); the first always goes in, cut if needed.</summary>
    private static bool TryAppend(StringBuilder text, string entry, bool first)
    {
        const int Reserve = 60;
        var room = SlackLimits.MaxSectionText - Reserve - text.Length;
        if (entry.Length <= room)
        {
            text.Append(entry);
            return true;
        }

        if (first && room >= MinUsefulSection)
        {
            text.Append(SlackMrkdwn.Truncate(entry, room));
            return true;
        }

        return false;
    }

    private static void AppendMore(StringBuilder text, int more, string what)
    {
        if (more > 0)
        {
            text.Append("\n_…and ").Append(more.ToString(CultureInfo.InvariantCulture)).Append(" more ").Append(what).Append(" in the full RCA._");
        }
    }

    private static ContextBlock? LinksContext(NotificationRequest request, Rca rca)
    {
        var links = new List<string>();
        AddLink(links, request.RcaUrl, "Full RCA");
        AddLink(links, request.PanelUrl, "Grafana panel");
        AddLink(links, request.DashboardUrl, "Grafana dashboard");

        var elements = new List<SlackText>();
        if (links.Count > 0)
        {
            elements.Add(SlackText.Markdown(string.Join(" · ", links)));
        }

        elements.Add(SlackText.Markdown($"Klarsicht · RCA `{SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(rca.Id), 100)}`"));
        return new ContextBlock(elements.Take(SlackLimits.MaxContextElements).ToList());
    }

    private static void AddLink(List<string> links, string? url, string label)
    {
        var clean = Klarsicht.Core.Redaction.SecretRedactor.Redact(url);
        if (!UrlRules.IsAbsoluteHttpUrl(clean) || clean.Length > 1000)
        {
            return;
        }

        // Inside <url|label> a '|' or '>' would end the URL early; a valid URL has neither unencoded.
        var safe = SlackMrkdwn.Escape(clean.Replace("|", "%7C", StringComparison.Ordinal));
        links.Add($"<{safe}|{label}>");
    }

    private static string FallbackText(Rca rca)
    {
        var text = new StringBuilder("RCA: ").Append(SubjectLine(rca));
        if (rca.RootCause is { } root)
        {
            text.Append(": `").Append(SlackMrkdwn.CleanLine(root.Category)).Append("` (").Append(FormatConfidence(rca.Confidence)).Append(") ")
                .Append(SlackMrkdwn.CleanLine(root.Summary));
        }
        else
        {
            text.Append(": investigation ").Append(SlackMrkdwn.CleanLine(rca.Status));
        }

        return text.ToString();
    }

    private static string Fallback(string text) => SlackMrkdwn.Truncate(text, SlackLimits.MaxFallbackText);

    /// <summary>"KubePodCrashLooping shop/checkout-api-x", cleaned.</summary>
    private static string SubjectLine(Rca rca)
    {
        var alert = rca.Alert?.Name is { Length: > 0 } name ? name + " " : string.Empty;
        return SlackMrkdwn.Truncate(SlackMrkdwn.CleanLine(alert + TargetPath(rca)), 300);
    }

    private static string TargetPath(Rca rca)
    {
        var ns = rca.Target?.Namespace
            ?? (rca.Alert?.Labels.TryGetValue("namespace", out var label) == true ? label : null);
        var name = rca.Target?.Name
            ?? (rca.Alert?.Labels.TryGetValue("pod", out var pod) == true ? pod : null)
            ?? "unknown target";
        return ObjectPath(ns, name);
    }

    private static string ObjectPath(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    private static string FormatConfidence(double? confidence) =>
        confidence is { } c && !double.IsNaN(c)
            ? (Math.Clamp(c, 0, 1) * 100).ToString("0", CultureInfo.InvariantCulture) + " %"
            : "n/a";

    internal static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromMinutes(1))
        {
            return "less than a minute";
        }

        var minutes = (long)duration.TotalMinutes;
        return minutes < 120
            ? $"{minutes.ToString(CultureInfo.InvariantCulture)} min"
            : $"{(minutes / 60).ToString(CultureInfo.InvariantCulture)} h {(minutes % 60).ToString(CultureInfo.InvariantCulture)} min";
    }
}
