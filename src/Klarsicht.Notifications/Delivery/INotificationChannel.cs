namespace Klarsicht.Notifications.Delivery;

/// <summary>
/// One way out for a finished RCA (Slack, a Grafana annotation). A channel makes exactly one attempt and
/// classifies the answer; retrying with backoff, and honouring <see cref="DeliveryResult.RetryAfter"/>, is the
/// outbox's job.
/// </summary>
/// <remarks>
/// Channels are registered as transient services because they hold typed <see cref="HttpClient"/>s from
/// <c>IHttpClientFactory</c>: resolve them per delivery batch (for example in a scope), not once for the
/// process, so the factory can rotate connection handlers.
/// </remarks>
public interface INotificationChannel
{
    /// <summary>"slack" or "grafana" (see <see cref="ChannelNames"/>); the value stored in an RCA's notifications.</summary>
    string Name { get; }

    /// <summary>False when the configuration leaves this channel off; <see cref="SendAsync"/> then answers Skipped.</summary>
    bool IsConfigured { get; }

    /// <summary>Posts once. Throws only <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.</summary>
    Task<DeliveryResult> SendAsync(NotificationRequest request, CancellationToken ct);
}
