using Klarsicht.Api.Configuration;
using Klarsicht.Api.Observability;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Grafana;
using Klarsicht.Notifications.Routing;
using Klarsicht.Storage.Investigations;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Notifications;

/// <summary>
/// Sends the outbox: each queued notification is leased, sent once, and recorded (sent, retry later with
/// backoff honouring Retry-After, or failed for good). A restart resumes where it stopped; the lease keeps
/// two replicas from sending the same message.
/// </summary>
public sealed partial class NotificationWorker(
    IInvestigationStore store,
    IServiceScopeFactory scopes,
    NotificationPolicy policy,
    IOptionsMonitor<ApiOptions> api,
    TimeProvider time,
    ILogger<NotificationWorker> logger) : BackgroundService
{
    public const int MaxAttempts = 8;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<OutboxMessage> due;
            try
            {
                due = await store.ClaimNotificationsAsync(time.GetUtcNow(), Lease, 16, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClaimFailed(e);
                due = [];
            }

            if (due.Count == 0)
            {
                await Task.Delay(Idle, time, stoppingToken).ConfigureAwait(false);
                continue;
            }

            using var scope = scopes.CreateScope();
            var channels = scope.ServiceProvider.GetServices<INotificationChannel>().ToDictionary(c => c.Name, StringComparer.Ordinal);
            await Task.WhenAll(due.Select(m => SendAsync(m, channels, stoppingToken))).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(OutboxMessage message, Dictionary<string, INotificationChannel> channels, CancellationToken stoppingToken)
    {
        DeliveryResult result;
        try
        {
            var rca = await store.GetAsync(message.InvestigationId, stoppingToken).ConfigureAwait(false);
            if (rca is null || !channels.TryGetValue(message.Channel, out var channel))
            {
                await store.RecordNotificationAsync(message.Id, OutboxResult.Failed, rca is null ? "the RCA was deleted" : $"unknown channel {message.Channel}", null, null, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var kind = message.Kind switch { "resolved" => NotificationKind.Resolved, "refired" => NotificationKind.Refired, _ => NotificationKind.NewRca };
            var thread = message.ThreadKey ?? (kind == NotificationKind.NewRca ? null : await store.GetThreadKeyAsync(message.InvestigationId, message.Channel, stoppingToken).ConfigureAwait(false));
            var (uid, panel) = GrafanaLinks.Parse(rca.Alert?.DashboardUrl, rca.Alert?.PanelUrl);
            var request = new NotificationRequest(
                rca,
                kind,
                thread,
                api.CurrentValue.PublicUrl is { } baseUrl ? new Uri(baseUrl, $"api/v1/rcas/{rca.Id}").ToString() : null,
                rca.Alert?.DashboardUrl,
                rca.Alert?.PanelUrl,
                uid,
                panel);
            var decision = policy.Decide(rca).FirstOrDefault(d => d.Channel == message.Channel);
            if (decision is not null)
            {
                request = decision.ApplyTo(request);
            }

            result = await channel.SendAsync(request, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            result = DeliveryResult.Retryable($"{e.GetType().Name}");
        }

        await RecordAsync(message, result).ConfigureAwait(false);
    }

    private async Task RecordAsync(OutboxMessage message, DeliveryResult result)
    {
        var now = time.GetUtcNow();
        KlarsichtMetrics.NotificationsSent.WithLabels(message.Channel, result.Outcome.ToString()).Inc();
        switch (result.Outcome)
        {
            case DeliveryOutcome.Sent:
            case DeliveryOutcome.Skipped:
                await store.RecordNotificationAsync(message.Id, OutboxResult.Sent, result.Outcome == DeliveryOutcome.Skipped ? result.Error : null, result.ThreadKey, null, now, CancellationToken.None).ConfigureAwait(false);
                break;
            case DeliveryOutcome.RetryableFailure when message.Attempts < MaxAttempts:
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, message.Attempts)));
                var wait = result.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
                LogRetry(message.Channel, message.InvestigationId, message.Attempts, wait.TotalSeconds, result.Error);
                await store.RecordNotificationAsync(message.Id, OutboxResult.Retry, result.Error, null, now + wait, now, CancellationToken.None).ConfigureAwait(false);
                break;
            }

            default:
                LogGaveUp(message.Channel, message.InvestigationId, message.Attempts, result.Error);
                await store.RecordNotificationAsync(message.Id, OutboxResult.Failed, result.Error, null, null, now, CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not claim notifications")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} notification of {InvestigationId} failed (attempt {Attempt}), retrying in {Seconds:0}s: {Error}")]
    private partial void LogRetry(string channel, string investigationId, int attempt, double seconds, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Channel} notification of {InvestigationId} given up after {Attempt} attempts: {Error}")]
    private partial void LogGaveUp(string channel, string investigationId, int attempt, string? error);
}
