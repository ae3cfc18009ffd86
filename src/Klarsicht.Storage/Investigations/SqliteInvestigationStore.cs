using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// SQLite in WAL mode: one writer at a time (BEGIN IMMEDIATE), readers never blocked. synchronous=NORMAL
/// survives a process kill, which is the durability the intake promises.
/// </summary>
public sealed class SqliteInvestigationStore : SqlInvestigationStore, IDisposable
{
    private static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(1);

    // The log's cap, 512 MiB of 4 KiB pages (a quarter of the 2 GiB volume deploy/ asks for): about 15 s of intake
    // at 6,000 alerts/s; a storm of a few thousand alerts writes a few MiB and never reaches it.
    private const long MaxLogFrames = 131_072;

    private readonly string _connectionString;

    // Checkpoints copy the write-ahead log into the database file. Left to SQLite they run inside whichever commit
    // crosses 1,000 pages, and that commit, with every webhook waiting on it, stalls for the copy and its fsync: it
    // was the intake's p99 (25 -> 13 ms, wrk with 32 connections, 2 cores). They run here instead, every second
    // on a connection of their own, in PASSIVE mode, which never blocks a writer; the log restarts from the
    // beginning at the first write after a pass that caught up.
    private readonly Timer _checkpoints;

    // SQLite connections (pooled handles) whose per-connection settings are made; entries go with their handles.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();

    private static readonly object Marker = new();

    private int _checkpointing;

    // Frames in the log at the previous pass (only the pass that holds _checkpointing touches it): the same count
    // twice, all copied, means nothing was written between.
    private long _lastLogFrames;

    /// <param name="checkpointInterval">How often the background checkpoint runs (1 s); infinite leaves it to <see cref="Checkpoint"/>.</param>
    public SqliteInvestigationStore(string connectionString, TimeSpan? joinWindow = null, TimeSpan? checkpointInterval = null)
        : base(joinWindow ?? TimeSpan.FromMinutes(5))
    {
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30, ForeignKeys = true }.ToString();
        var interval = checkpointInterval ?? DefaultCheckpointInterval;
        _checkpoints = new Timer(_ => Checkpoint(), null, interval, interval);
    }

    protected override string ClaimSuffix => string.Empty;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The settings below live on SQLite's connection, which the pool hands out again and again: set them the first
        // time only (parsing them on every open was a tenth of a single-alert commit).
        if (Configured.TryGetValue(connection.Handle!, out _))
        {
            return connection;
        }

        await using var pragma = connection.CreateCommand();
        // journal_mode=WAL is a property of the database file, set once by the migrator; the rest is per connection.
        // No journal_size_limit: with one, the first commit after the log restarts truncates a log a storm has grown
        // (hundreds of MiB) inside that commit, 100-250 ms with every webhook of the batch waiting. The background
        // pass truncates it instead, once the service is quiet.
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=-1;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Configured.AddOrUpdate(connection.Handle!, Marker);
        return connection;
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    /// <summary>Copies the committed log into the database file now (also run every second in the background).</summary>
    public void Checkpoint()
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1)
        {
            return;
        }

        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            long logFrames, copied;
            using (var reader = command.ExecuteReader())
            {
                // (busy, frames in the log, frames copied)
                if (!reader.Read())
                {
                    return;
                }

                (logFrames, copied) = (reader.GetInt64(1), reader.GetInt64(2));
            }

            var previous = _lastLogFrames;
            _lastLogFrames = logFrames;
            if (logFrames >= MaxLogFrames)
            {
                // Under a storm the log grows faster than a PASSIVE pass ever finishes, and only a checkpoint that
                // leaves nothing behind lets the next writer restart it: past the cap, a RESTART finishes the job,
                // pausing writers for a moment (tens of milliseconds).
                command.CommandText = "PRAGMA wal_checkpoint(RESTART);";
                command.ExecuteNonQuery();
            }
            else if (logFrames > 0 && copied == logFrames && logFrames == previous)
            {
                // Quiet: everything is in the database file and nothing was written since the last pass. Giving the
                // log's disk space back now costs writers nothing; in a commit it cost the commit the truncation.
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                command.ExecuteNonQuery();
                _lastLogFrames = 0;
            }
        }
        catch (SqliteException)
        {
            // Busy, locked or gone: the next tick tries again, and SQLite checkpoints when the last connection closes.
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    public void Dispose() => _checkpoints.Dispose();
}
