using System.Data.Common;
using Klarsicht.Api.Configuration;
using Klarsicht.Api.Observability;
using Klarsicht.Core.Investigations;
using Klarsicht.Core.Rcas;
using Klarsicht.Storage;
using Klarsicht.Storage.Investigations;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Klarsicht.Api.Investigations;

/// <summary>
/// Runs investigations from durable storage with bounded concurrency and a per-investigation deadline.
/// Work is claimed with a lease, so a replica that dies mid-investigation has its work taken over.
/// </summary>
public sealed partial class InvestigationWorker(
    IInvestigationStore store,
    Investigator investigator,
    INotificationRouting routing,
    WorkSignal signal,
    IOptions<InvestigationOptions> options,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<InvestigationWorker> logger) : BackgroundService
{
    // A storage outage (a PostgreSQL restart, SQLite busy past its timeout) must not cost a finished RCA: its write
    // is retried for ~20 s with the result in hand, well inside the lease, which the renewal loop keeps extending.
    private readonly ResiliencePipeline _storageRetry = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<DbException>().Handle<TimeoutException>(),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(5),
            MaxRetryAttempts = 8,
        })
        .Build();

    /// <summary>This replica's identity in leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!storage.Value.IsPostgres)
        {
            // SQLite means one replica: anything still running belonged to a process that is gone.
            var requeued = await store.RequeueRunningAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            if (requeued > 0)
            {
                LogResumed(requeued);
            }
        }

        using var slots = new SemaphoreSlim(o.Concurrency, o.Concurrency);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            ClaimedInvestigation? claimed;
            try
            {
                claimed = await store.ClaimAsync(Owner, time.GetUtcNow(), storage.Value.Lease, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClaimFailed(e);
                claimed = null;
            }

            if (claimed is null)
            {
                slots.Release();
                await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }

            running.RemoveAll(t => t.IsCompleted);
            running.Add(Task.Run(async () =>
            {
                try
                {
                    await RunAsync(claimed, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunAsync(ClaimedInvestigation claimed, CancellationToken stoppingToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["InvestigationId"] = claimed.Id });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(options.Value.Deadline);
        using var renewal = RenewLeaseAsync(claimed.Id, deadline.Token);
        KlarsichtMetrics.InvestigationsInFlight.Inc();
        try
        {
            var request = claimed.Request;
            var outcome = await investigator.InvestigateAsync(request.Alert, request.Query, deadline.Token).ConfigureAwait(false);
            var d = outcome.Diagnosis;
            var stored = new StoredDiagnosis(d.Target, d.RootCause, d.Confidence, d.Alternatives, d.Evidence, d.Timeline, d.FixSteps, outcome.Durations, outcome.Evidence.Gaps, d.Postmortem);
            var channels = routing.ChannelsFor(request, stored);
            var completed = await _storageRetry.ExecuteAsync(
                async ct => await store.CompleteAsync(claimed.Id, Owner, stored, channels, time.GetUtcNow(), ct).ConfigureAwait(false),
                stoppingToken).ConfigureAwait(false);
            if (completed)
            {
                KlarsichtMetrics.InvestigationsFinished.WithLabels(RcaStatus.Completed, d.RootCause.Category).Inc();
                KlarsichtMetrics.InvestigationDuration.WithLabels("collect").Observe(outcome.Durations.CollectMs / 1000d);
                KlarsichtMetrics.InvestigationDuration.WithLabels("diagnose").Observe(outcome.Durations.DiagnoseMs / 1000d);
                KlarsichtMetrics.InvestigationDuration.WithLabels("total").Observe(outcome.Durations.TotalMs / 1000d);
                LogCompleted(claimed.Id, d.RootCause.Category, d.Confidence, outcome.Durations.TotalMs);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out (or the next start requeues it) and the work is picked up again.
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            // Storage stayed away through every retry. Nothing is marked failed (the investigation did not fail):
            // the lease runs out and the next claim, here or on another replica, investigates it again.
            LogStorageLost(e, claimed.Id);
        }
        catch (Exception e)
        {
            var reason = deadline.IsCancellationRequested
                ? $"the investigation exceeded its deadline of {options.Value.Deadline.TotalSeconds:0}s"
                : $"{e.GetType().Name}: {Core.Redaction.SecretRedactor.Redact(e.Message)}";
            LogFailed(e, claimed.Id, reason);
            try
            {
                await _storageRetry.ExecuteAsync(
                    async ct => await store.FailAsync(claimed.Id, Owner, reason, time.GetUtcNow(), ct).ConfigureAwait(false),
                    stoppingToken).ConfigureAwait(false);
                KlarsichtMetrics.InvestigationsFinished.WithLabels(RcaStatus.Failed, "none").Inc();
            }
            catch (Exception storage) when (storage is DbException or TimeoutException or OperationCanceledException)
            {
                LogStorageLost(storage, claimed.Id);
            }
        }
        finally
        {
            KlarsichtMetrics.InvestigationsInFlight.Dec();
        }
    }

    private Lease RenewLeaseAsync(string id, CancellationToken cancellationToken)
    {
        var period = storage.Value.Lease / 3;
        var timer = new PeriodicTimer(period, time);
        _ = Task.Run(async () =>
        {
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    await store.RenewLeaseAsync(id, Owner, time.GetUtcNow() + storage.Value.Lease, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Investigation finished or the service stops.
            }
            catch (Exception e)
            {
                LogRenewFailed(e, id);
            }
        }, CancellationToken.None);
        return new Lease(timer);
    }

    private sealed class Lease(PeriodicTimer timer) : IDisposable
    {
        public void Dispose() => timer.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} investigations left running by a previous process")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not claim work from storage")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Investigation {Id} completed: {Category} ({Confidence:0.00}) in {TotalMs} ms")]
    private partial void LogCompleted(string id, string category, double confidence, long totalMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Investigation {Id} failed: {Reason}")]
    private partial void LogFailed(Exception exception, string id, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the outcome of investigation {Id}; it runs again when its lease expires")]
    private partial void LogStorageLost(Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of investigation {Id}")]
    private partial void LogRenewFailed(Exception exception, string id);
}

/// <summary>Which notification channels an RCA goes to; decided when it completes, queued in the same transaction.</summary>
public interface INotificationRouting
{
    IReadOnlyList<string> ChannelsFor(InvestigationRequest request, StoredDiagnosis diagnosis);
}

/// <summary>Deletes RCAs older than the retention age.</summary>
public sealed partial class RetentionWorker(IInvestigationStore store, IOptions<StorageOptions> storage, IOptions<InvestigationOptions> options, TimeProvider time, ILogger<RetentionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        do
        {
            try
            {
                var deleted = await store.DeleteCompletedBeforeAsync(time.GetUtcNow().AddDays(-storage.Value.RetentionDays), stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogDeleted(deleted, storage.Value.RetentionDays);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} RCAs older than {Days} days")]
    private partial void LogDeleted(int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention run failed")]
    private partial void LogFailed(Exception exception);
}
