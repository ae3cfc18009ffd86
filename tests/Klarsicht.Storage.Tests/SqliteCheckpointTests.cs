using Klarsicht.Storage.Investigations;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Storage.Tests;

/// <summary>Commits leave checkpointing to the store's background pass, which must still move the log into the file.</summary>
public sealed class SqliteCheckpointTests
{
    [Fact]
    public async Task Commits_DoNotCheckpoint_TheBackgroundPassDoes()
    {
        var (migrated, connectionString) = TestDatabases.Sqlite();
        ((IDisposable)migrated).Dispose();
        var file = new FileInfo(connectionString["Data Source=".Length..]);
        var wal = new FileInfo(file.FullName + "-wal");
        using var sqlite = new SqliteInvestigationStore(connectionString, checkpointInterval: Timeout.InfiniteTimeSpan);
        IInvestigationStore store = sqlite;
        await store.AcceptAsync([StoreContractTests.Item("warm", "shop/Deployment/warm")], DateTimeOffset.UtcNow, CancellationToken.None);
        sqlite.Checkpoint();
        file.Refresh();
        var before = file.Length;

        // Enough commits to pass SQLite's own auto-checkpoint (1,000 pages) several times over.
        for (var i = 0; i < 400; i++)
        {
            await store.AcceptAsync(
                Enumerable.Range(0, 20).Select(j => StoreContractTests.Item($"f{i:D4}-{j:D2}", $"shop/Deployment/w{(i * 20) + j}")).ToList(),
                DateTimeOffset.UtcNow, CancellationToken.None);
        }

        file.Refresh();
        wal.Refresh();
        Assert.Equal(before, file.Length);
        Assert.True(wal.Length > 4 * 1024 * 1024, $"the log holds the commits ({wal.Length} bytes)");

        sqlite.Checkpoint();
        file.Refresh();
        Assert.True(file.Length > before, "the checkpoint copied the log into the database file");
    }

    [Fact]
    public async Task TheLog_IsTruncatedByAQuietPass_NeverWhileWritesGoOn()
    {
        var (migrated, connectionString) = TestDatabases.Sqlite();
        ((IDisposable)migrated).Dispose();
        var wal = new FileInfo(connectionString["Data Source=".Length..] + "-wal");
        using var sqlite = new SqliteInvestigationStore(connectionString, checkpointInterval: Timeout.InfiniteTimeSpan);
        IInvestigationStore store = sqlite;
        var batch = 0;
        Task WriteAsync() => store.AcceptAsync(
            Enumerable.Range(0, 20).Select(j => StoreContractTests.Item($"f{batch:D4}-{j:D2}", $"shop/Deployment/w{(batch++ * 20) + j}")).ToList(),
            DateTimeOffset.UtcNow, CancellationToken.None);

        for (var i = 0; i < 50; i++)
        {
            await WriteAsync();
        }

        // Each pass copies everything, but a write between two passes means the service is busy: the log stays.
        sqlite.Checkpoint();
        await WriteAsync();
        sqlite.Checkpoint();
        wal.Refresh();
        var busy = wal.Length;
        Assert.True(busy > 0, "the log holds the commits");

        // Two passes with nothing written between: the second gives the space back.
        sqlite.Checkpoint();
        wal.Refresh();
        Assert.Equal(0, wal.Length);

        // And the next write starts a new log, with nothing lost.
        await WriteAsync();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM alerts";
        Assert.Equal(52L * 20, (long)count.ExecuteScalar()!);
    }
}
