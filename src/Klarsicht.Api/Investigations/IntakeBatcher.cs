using System.Threading.Channels;
using Klarsicht.Api.Observability;
using Klarsicht.Storage;
using Klarsicht.Storage.Investigations;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Investigations;

/// <summary>
/// Group commit for webhook intake: requests that arrive together are written in one transaction, and each
/// request's 202 waits for that commit, so an acknowledged alert is always durable.
/// </summary>
public sealed class IntakeBatcher(IInvestigationStore store, TimeProvider time, WorkSignal signal, IOptions<StorageOptions> storage, ILogger<IntakeBatcher> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });

    public async Task<IReadOnlyList<IntakeOutcome?>> AcceptAsync(IReadOnlyList<IntakeItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var pending = new Pending(items, new TaskCompletionSource<IReadOnlyList<IntakeOutcome?>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the intake queue is closed (the service is stopping)");
        }

        // The caller may give up waiting, but the write goes on: the alert is accepted or refused as a whole.
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // SQLite has one writer, so one commit loop; PostgreSQL takes concurrent transactions (targets are locked
    // in key order inside each), so several loops commit side by side.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, storage.Value.IsPostgres ? 4 : 1).Select(_ => CommitLoopAsync(stoppingToken)));

    private async Task CommitLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            var count = 0;
            while (count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                count += next.Items.Count;
            }

            await CommitAsync(batch).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested && _queue.Reader.Count == 0)
            {
                break;
            }
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            var items = batch.SelectMany(p => p.Items).ToList();
            var started = time.GetTimestamp();
            var outcomes = await store.AcceptAsync(items, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            KlarsichtMetrics.IntakeCommitDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
            KlarsichtMetrics.IntakeBatchSize.Observe(items.Count);
            var offset = 0;
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(outcomes.Skip(offset).Take(pending.Items.Count).ToList());
                offset += pending.Items.Count;
            }

            if (outcomes.Any(o => o is { Deduplicated: false }))
            {
                signal.Notify();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Could not store {Count} intake requests; they are answered 503 so the sender retries", batch.Count);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(new IntakeUnavailableException("storage is unavailable", e));
            }
        }
    }

    private sealed record Pending(IReadOnlyList<IntakeItem> Items, TaskCompletionSource<IReadOnlyList<IntakeOutcome?>> Done);
}

/// <summary>Storage refused the intake; the sender should retry (503).</summary>
public sealed class IntakeUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Wakes the investigation worker when new work was committed, so it need not wait for its poll.</summary>
public sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
