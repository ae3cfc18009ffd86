using System.Data.Common;
using Dapper;
using Npgsql;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// PostgreSQL, for several replicas sharing the work: claims skip rows another replica holds
/// (FOR UPDATE SKIP LOCKED) and leases let a survivor take over a dead replica's investigation.
/// </summary>
public sealed class PostgresInvestigationStore(NpgsqlDataSource dataSource, TimeSpan? joinWindow = null) : SqlInvestigationStore(joinWindow ?? TimeSpan.FromMinutes(5))
{
    /// <summary>The data source the store is built on, with <see cref="WithAutoPrepare"/> applied.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString) => NpgsqlDataSource.Create(WithAutoPrepare(connectionString));

    /// <summary>
    /// Lets Npgsql prepare on the server the statements a connection runs again and again (intake runs the same few
    /// for every alert: 982 -> 2,457 deliveries/s in the intake benchmark), unless the connection string says
    /// otherwise: <c>Max Auto Prepare=0</c> turns it off, for a PgBouncer in transaction mode older than 1.21.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 32 }.ConnectionString;
    }

    protected override string ClaimSuffix => "FOR UPDATE SKIP LOCKED";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    // Two replicas accepting alerts for the same workload at once would both open an investigation.
    // One round trip for the whole batch; the sorted subquery makes the locks be taken in key order.
    protected override Task LockTargetsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> sortedKeys) =>
        connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest(@keys) WITH ORDINALITY AS t(k, n) ORDER BY n) AS ordered",
            new { keys = sortedKeys.ToArray() }, transaction);
}
