using System.Globalization;
using System.Text;
using Klarsicht.Core.Rcas;
using Klarsicht.Core.Redaction;
using Klarsicht.Notifications.Delivery;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Turns an RCA into an annotation: a region from the alert's start to the RCA's completion.</summary>
internal static class GrafanaAnnotationBuilder
{
    public const int MaxText = 2000;
    private const int MaxTag = 100;

    public static GrafanaAnnotation Build(NotificationRequest request, DateTimeOffset now)
    {
        var rca = request.Rca;
        // A refire is a moment on the graph, not a second copy of the original region.
        var start = request.Kind == NotificationKind.Refired ? now : rca.Alert?.StartsAt ?? rca.ReceivedAt;
        var end = request.Kind == NotificationKind.Refired ? now : rca.CompletedAt ?? now;
        if (end < start)
        {
            end = start;
        }

        var hasDashboard = !string.IsNullOrWhiteSpace(request.DashboardUid);
        return new GrafanaAnnotation(
            hasDashboard ? request.DashboardUid : null,
            hasDashboard ? request.PanelId : null,
            start.ToUnixTimeMilliseconds(),
            end.ToUnixTimeMilliseconds(),
            Tags(rca),
            Text(request));
    }

    internal static List<string> Tags(Rca rca)
    {
        var ns = rca.Target?.Namespace
            ?? (rca.Alert?.Labels.TryGetValue("namespace", out var label) == true ? label : null);
        string?[] candidates = ["klarsicht", rca.RootCause?.Category, ns, rca.Alert?.Name];
        return candidates
            .Select(t => SecretRedactor.Redact(t).Trim())
            .Where(t => t.Length > 0)
            .Select(t => t.Length <= MaxTag ? t : t[..MaxTag])
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string Text(NotificationRequest request)
    {
        var rca = request.Rca;
        var subject = $"{rca.Alert?.Name} {Path(rca)}".Trim();
        var text = new StringBuilder();
        if (request.Kind == NotificationKind.Refired)
        {
            text.Append("Fired again: ");
        }

        text.Append("RCA ").Append(Html(subject)).Append(": ");
        if (rca.RootCause is { } root)
        {
            text.Append(Html(root.Category));
            if (rca.Confidence is { } confidence)
            {
                text.Append(" (").Append((Math.Clamp(confidence, 0, 1) * 100).ToString("0", CultureInfo.InvariantCulture)).Append(" %)");
            }

            text.Append(". ").Append(Html(root.Summary));
        }
        else
        {
            text.Append("investigation ").Append(Html(rca.Status));
            if (rca.Error is { Length: > 0 } error)
            {
                text.Append(": ").Append(Html(error));
            }
        }

        if (rca.FixSteps is [var first, ..])
        {
            text.Append("\nFix: ").Append(Html(first.Description));
            if (!string.IsNullOrWhiteSpace(first.Command))
            {
                text.Append(" <code>").Append(Html(first.Command)).Append("</code>");
            }
        }

        var link = SecretRedactor.Redact(request.RcaUrl);
        var anchor = UrlRules.IsAbsoluteHttpUrl(link) ? $"\n<a href=\"{Html(link).Replace("\"", "%22", StringComparison.Ordinal)}\">Full RCA</a>" : string.Empty;

        // Cut the prose, never the link.
        var budget = MaxText - anchor.Length;
        var body = text.ToString();
        if (body.Length > budget)
        {
            body = CutHtml(body, budget - "</code>…".Length) + "…";
        }

        return body + anchor;
    }

    private static string Path(Rca rca)
    {
        var name = rca.Target?.Name ?? string.Empty;
        return rca.Target?.Namespace is { Length: > 0 } ns ? $"{ns}/{name}" : name;
    }

    /// <summary>Outside text for Grafana's (sanitised) HTML: redacted, then the markup characters escaped.</summary>
    private static string Html(string? text) =>
        SecretRedactor.Redact(text)
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    private static string CutHtml(string text, int length)
    {
        var cut = length;
        var amp = text.LastIndexOf('&', cut - 1);
        if (amp >= 0 && text.IndexOf(';', amp, cut - amp) < 0)
        {
            cut = amp;
        }

        var open = text.LastIndexOf('<', cut - 1);
        if (open >= 0 && text.IndexOf('>', open, cut - open) < 0)
        {
            cut = open;
        }

        var result = text[..cut];
        // A cut inside <code>…</code> leaves it open; close it so the sanitiser keeps the rest.
        var opened = result.LastIndexOf("<code>", StringComparison.Ordinal);
        return opened >= 0 && result.IndexOf("</code>", opened, StringComparison.Ordinal) < 0 ? result + "</code>" : result;
    }
}
