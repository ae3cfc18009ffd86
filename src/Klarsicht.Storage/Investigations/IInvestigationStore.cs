using Klarsicht.Core.Rcas;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// Durable storage of investigations, their alerts, their RCAs and the notification outbox. Every method
/// is one transaction; an accepted alert is committed before the caller answers 202.
/// </summary>
public interface IInvestigationStore
{
    /// <summary>Accepts a batch of alerts in one transaction (group commit), deduplicating and grouping.</summary>
    Task<IReadOnlyList<IntakeOutcome?>> AcceptAsync(IReadOnlyList<IntakeItem> items, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Leases the oldest pending investigation, or one whose owner's lease ran out.</summary>
    Task<ClaimedInvestigation?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    Task<bool> RenewLeaseAsync(string id, string owner, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Stores the RCA and queues its notifications in the same transaction (the outbox).</summary>
    Task<bool> CompleteAsync(string id, string owner, StoredDiagnosis diagnosis, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> FailAsync(string id, string owner, string error, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Rca?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The investigation's status and its postmortem (null until completed); null when the id is unknown.</summary>
    Task<(string Status, string? Markdown)?> GetPostmortemAsync(string id, CancellationToken cancellationToken);

    Task<RcaPage> QueryAsync(RcaQuery query, CancellationToken cancellationToken);

    Task<int> DeleteCompletedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<OutboxMessage>> ClaimNotificationsAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    Task RecordNotificationAsync(string notificationId, OutboxResult result, string? error, string? threadKey, DateTimeOffset? nextAttempt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The thread key of the investigation's first delivered message on a channel (for Slack replies).</summary>
    Task<string?> GetThreadKeyAsync(string investigationId, string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Puts every running investigation back to pending. Only for a single-writer store at startup: whatever
    /// was running belonged to a process that is gone.
    /// </summary>
    Task<int> RequeueRunningAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Checks the database answers; used by /readyz.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
