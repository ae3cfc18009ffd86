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
