using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// SQLite in WAL mode: one writer at a time (BEGIN IMMEDIATE), readers never blocked. synchronous=NORMAL
/// survives a process kill, which is the durability the intake promises.
/// </summary>
public sealed class SqliteInvestigationStore(string connectionString, TimeSpan? joinWindow = null) : SqlInvestigationStore(joinWindow ?? TimeSpan.FromMinutes(5))
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30, ForeignKeys = true }.ToString();

    protected override string ClaimSuffix => string.Empty;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // journal_mode=WAL is a property of the database file, set once by the migrator; synchronous is per connection.
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));
}
