using Klarsicht.Core.Alerts;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Storage.Investigations;

/// <summary>What an investigation was asked to do; stored as JSON and handed to the worker.</summary>
public sealed record InvestigationRequest(string Source, ReceivedAlert? Alert, TargetQuery Query);

/// <summary>One alert (or on-demand request) to accept.</summary>
public sealed record IntakeItem(InvestigationRequest Request, string TargetKey);

/// <summary>What became of one accepted item.</summary>
public sealed record IntakeOutcome(string Id, string Status, bool Deduplicated);

/// <summary>An investigation a worker has leased.</summary>
public sealed record ClaimedInvestigation(string Id, InvestigationRequest Request, int Attempts, DateTimeOffset ReceivedAt);

/// <summary>The diagnosis part of a completed RCA, as stored.</summary>
public sealed record StoredDiagnosis(
    RcaTarget? Target,
    RootCause? RootCause,
    double? Confidence,
    IReadOnlyList<Alternative>? Alternatives,
    IReadOnlyList<EvidenceItem>? Evidence,
    IReadOnlyList<TimelineEntry>? Timeline,
    IReadOnlyList<FixStep>? FixSteps,
    Durations? Durations,
    IReadOnlyList<string>? Gaps,
    string? Postmortem);

/// <summary>Filters of <c>GET /api/v1/rcas</c>.</summary>
public sealed record RcaQuery(
    string? Namespace = null,
    string? Pod = null,
    string? Workload = null,
    string? Category = null,
    string? Status = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 50,
    RcaCursor? Cursor = null);

/// <summary>Keyset position: the last item's receivedAt and id, so pages stay stable under inserts.</summary>
public sealed record RcaCursor(long ReceivedAtMs, string Id)
{
    public string Encode() => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ReceivedAtMs}:{Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out RcaCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }

        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var raw = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !long.TryParse(raw.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                return false;
            }

            cursor = new RcaCursor(ms, raw[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

public sealed record RcaPage(IReadOnlyList<Rca> Items, string? NextCursor);

/// <summary>A notification waiting in the outbox.</summary>
public sealed record OutboxMessage(string Id, string InvestigationId, string Channel, string Kind, int Attempts, string? ThreadKey);

public enum OutboxResult
{
    Sent,
    Retry,
    Failed,
}
