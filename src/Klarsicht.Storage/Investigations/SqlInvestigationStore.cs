using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// The investigation store in SQL that SQLite and PostgreSQL share. Times are unix milliseconds. The
/// dialects differ only in how a writer takes its lock (<see cref="BeginWriteAsync"/>) and how a claim
/// skips rows another replica holds (<see cref="ClaimSuffix"/>).
/// </summary>
public abstract class SqlInvestigationStore(TimeSpan joinWindow) : IInvestigationStore
{
    private const string Pending = RcaStatus.Pending;
    private const string Running = RcaStatus.Running;

    /// <summary>How soon after its resolution an alert firing again counts as a re-fire of the same investigation.</summary>
    public static readonly TimeSpan RefireWindow = TimeSpan.FromHours(1);

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts a write transaction; PostgreSQL also serialises intake per target with an advisory lock.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Appended to the claim's inner SELECT: <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL.</summary>
    protected abstract string ClaimSuffix { get; }

    /// <summary>
    /// Serialises concurrent intake of the same targets across replicas (a no-op on SQLite's single writer). Keys
    /// come sorted, and are locked in that order, so concurrent batches can never wait on each other in a cycle.
    /// </summary>
    protected virtual Task LockTargetsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> sortedKeys) => Task.CompletedTask;

    // The target's open investigation (a join); a request without an alert (on demand) asks only this.
    private const string OpenLookupSql =
        """
        SELECT id, status, alert_status FROM investigations
        WHERE target_key = @key AND (status IN ('pending', 'running') OR (status = 'completed' AND completed_at >= @joinSince AND alert_status = 'firing'))
        ORDER BY received_at DESC LIMIT 1;
        """;

    // Everything intake needs to know about one alert, read in one round trip: the alert itself (a repeat delivery),
    // the investigation its fingerprint last resolved in (a re-fire), and the target's open investigation.
    private const string LookupSql =
        """
        SELECT a.investigation_id, a.status, i.status FROM alerts a JOIN investigations i ON i.id = a.investigation_id
        WHERE a.fingerprint = @fingerprint AND a.starts_at = @startsAt;
        SELECT i.id, i.status FROM alerts a JOIN investigations i ON i.id = a.investigation_id
        WHERE a.fingerprint = @fingerprint AND a.status = 'resolved' AND i.status = 'completed' AND i.alert_status = 'resolved'
          AND a.last_received_at >= @since
        ORDER BY a.starts_at DESC LIMIT 1;

        """ + OpenLookupSql;

    private const string InsertInvestigationSql =
        """
        INSERT INTO investigations (id, status, source, target_key, namespace, pod, workload, alert_name, alert_status, received_at, updated_at, request_json)
        VALUES (@id, @status, @source, @key, @ns, @pod, @workload, @alertName, @alertStatus, @now, @now, @request);
        """;

    private const string InsertAlertSql =
        "INSERT INTO alerts (fingerprint, starts_at, investigation_id, status, received_count, last_received_at) VALUES (@fingerprint, @startsAt, @id, 'firing', 1, @now);";

    // Follow-ups go to every channel that got (or is getting) the investigation's first message.
    private const string FollowUpSql =
        """
        INSERT INTO notifications (id, investigation_id, channel, kind, status, attempts, next_attempt_at, created_at)
        SELECT @prefix || channel, investigation_id, channel, @kind, 'pending', 0, @now, @now FROM notifications
        WHERE investigation_id = @investigationId AND kind = 'new'
        ON CONFLICT (investigation_id, channel, kind) DO NOTHING
        """;

    public async Task<IReadOnlyList<IntakeOutcome?>> AcceptAsync(IReadOnlyList<IntakeItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var order = Enumerable.Range(0, items.Count).OrderBy(i => items[i].TargetKey, StringComparer.Ordinal).ThenBy(i => i).ToList();
        await LockTargetsAsync(connection, tx, order.Select(i => items[i].TargetKey).Distinct(StringComparer.Ordinal).ToList()).ConfigureAwait(false);
        var outcomes = new IntakeOutcome?[items.Count];
        await using (var commands = new BatchCommands(connection, tx))
        {
            foreach (var index in order)
            {
                outcomes[index] = await AcceptOneAsync(commands, items[index], ms, (long)joinWindow.TotalMilliseconds).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private static async Task<IntakeOutcome?> AcceptOneAsync(BatchCommands commands, IntakeItem item, long now, long joinWindowMs)
    {
        var alert = item.Request.Alert;
        var startsAt = alert?.StartsAt.ToUnixTimeMilliseconds() ?? 0;
        (string? InvestigationId, string? PreviousStatus, string? Status) known = default;
        (string? Id, string? Status) refired = default;
        (string? Id, string? Status, string? AlertStatus) open = default;
        var lookup = commands.For(alert is null ? OpenLookupSql : LookupSql);
        if (alert is not null)
        {
            BatchCommands.Set(lookup, "@fingerprint", alert.Fingerprint);
            BatchCommands.Set(lookup, "@startsAt", startsAt);
            BatchCommands.Set(lookup, "@since", now - (long)RefireWindow.TotalMilliseconds);
        }

        BatchCommands.Set(lookup, "@key", item.TargetKey);
        BatchCommands.Set(lookup, "@joinSince", now - joinWindowMs);
        await using (var reader = await lookup.ExecuteReaderAsync().ConfigureAwait(false))
        {
            if (alert is not null)
            {
                if (await reader.ReadAsync().ConfigureAwait(false))
                {
                    known = (Text(reader, 0), Text(reader, 1), Text(reader, 2));
                }

                await reader.NextResultAsync().ConfigureAwait(false);
                if (await reader.ReadAsync().ConfigureAwait(false))
                {
                    refired = (Text(reader, 0), Text(reader, 1));
                }

                await reader.NextResultAsync().ConfigureAwait(false);
            }

            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                open = (Text(reader, 0), Text(reader, 1), Text(reader, 2));
            }
        }

        if (alert is not null)
        {
            var alertStatus = alert.Firing ? "firing" : "resolved";
            if (known.InvestigationId is not null)
            {
                var received = commands.For("UPDATE alerts SET received_count = received_count + 1, last_received_at = @now, status = @alertStatus WHERE fingerprint = @fingerprint AND starts_at = @startsAt");
                BatchCommands.Set(received, "@now", now);
                BatchCommands.Set(received, "@alertStatus", alertStatus);
                BatchCommands.Set(received, "@fingerprint", alert.Fingerprint);
                BatchCommands.Set(received, "@startsAt", startsAt);
                await received.ExecuteNonQueryAsync().ConfigureAwait(false);
                if (!alert.Firing && known.PreviousStatus == "firing")
                {
                    var resolve = commands.For("UPDATE investigations SET alert_status = 'resolved', updated_at = @now WHERE id = @id AND NOT EXISTS (SELECT 1 FROM alerts WHERE investigation_id = @id AND status = 'firing')");
                    BatchCommands.Set(resolve, "@now", now);
                    BatchCommands.Set(resolve, "@id", known.InvestigationId);
                    if (await resolve.ExecuteNonQueryAsync().ConfigureAwait(false) == 1)
                    {
                        await FollowUpAsync(commands, known.InvestigationId, "resolved", now).ConfigureAwait(false);
                    }
                }

                return new IntakeOutcome(known.InvestigationId, known.Status!, true);
            }

            if (!alert.Firing)
            {
                // A resolution for an alert Klarsicht never saw firing starts nothing.
                return null;
            }

            // The same alert firing again shortly after its investigation's alerts resolved is a re-fire of that
            // investigation: a reply in its thread, not a second RCA of the same incident.
            if (refired.Id is not null)
            {
                var refire = commands.For(InsertAlertSql + "UPDATE investigations SET alert_status = 'firing', updated_at = @now WHERE id = @id;");
                SetAlert(refire, alert.Fingerprint, startsAt, refired.Id, now);
                await refire.ExecuteNonQueryAsync().ConfigureAwait(false);
                await FollowUpAsync(commands, refired.Id, "refired", now).ConfigureAwait(false);
                return new IntakeOutcome(refired.Id, refired.Status!, true);
            }
        }

        if (open.Id is not null)
        {
            if (alert is not null)
            {
                // A firing alert joining an investigation whose earlier alerts all resolved makes it firing again.
                var join = commands.For(open.AlertStatus == "resolved" ? InsertAlertSql + "UPDATE investigations SET alert_status = 'firing', updated_at = @now WHERE id = @id;" : InsertAlertSql);
                SetAlert(join, alert.Fingerprint, startsAt, open.Id, now);
                await join.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            return new IntakeOutcome(open.Id, open.Status!, true);
        }

        var id = Guid.CreateVersion7().ToString();
        var query = item.Request.Query;
        var insert = commands.For(alert is null ? InsertInvestigationSql : InsertInvestigationSql + InsertAlertSql);
        BatchCommands.Set(insert, "@status", Pending);
        BatchCommands.Set(insert, "@source", item.Request.Source);
        BatchCommands.Set(insert, "@key", item.TargetKey);
        BatchCommands.Set(insert, "@ns", query.Namespace);
        BatchCommands.Set(insert, "@pod", query.Pod);
        BatchCommands.Set(insert, "@workload", query.WorkloadName);
        BatchCommands.Set(insert, "@alertName", alert?.Name);
        BatchCommands.Set(insert, "@alertStatus", alert is null ? null : "firing");
        BatchCommands.Set(insert, "@request", JsonSerializer.Serialize(item.Request, StorageJson.Options));
        if (alert is null)
        {
            BatchCommands.Set(insert, "@id", id);
            BatchCommands.Set(insert, "@now", now);
        }
        else
        {
            SetAlert(insert, alert.Fingerprint, startsAt, id, now);
        }

        await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        return new IntakeOutcome(id, Pending, false);
    }

    private static void SetAlert(DbCommand command, string fingerprint, long startsAt, string investigationId, long now)
    {
        BatchCommands.Set(command, "@fingerprint", fingerprint);
        BatchCommands.Set(command, "@startsAt", startsAt);
        BatchCommands.Set(command, "@id", investigationId);
        BatchCommands.Set(command, "@now", now);
    }

    private static Task FollowUpAsync(BatchCommands commands, string investigationId, string kind, long now)
    {
        var command = commands.For(FollowUpSql);
        BatchCommands.Set(command, "@prefix", $"{Guid.CreateVersion7()}-");
        BatchCommands.Set(command, "@investigationId", investigationId);
        BatchCommands.Set(command, "@kind", kind);
        BatchCommands.Set(command, "@now", now);
        return command.ExecuteNonQueryAsync();
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public async Task<ClaimedInvestigation?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<(string Id, string Request, int Attempts, long ReceivedAt)>(
            $"""
            UPDATE investigations SET status = 'running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
            WHERE id = (
                SELECT id FROM investigations
                WHERE status = 'pending' OR (status = 'running' AND lease_until < @now)
                ORDER BY received_at, id
                LIMIT 1 {ClaimSuffix})
            RETURNING id, request_json, attempts, received_at
            """,
            new { owner, until = (now + lease).ToUnixTimeMilliseconds(), now = ms }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row.Id is null
            ? null
            : new ClaimedInvestigation(row.Id, JsonSerializer.Deserialize<InvestigationRequest>(row.Request, StorageJson.Options)!, row.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(row.ReceivedAt));
    }

    public async Task<bool> RenewLeaseAsync(string id, string owner, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE investigations SET lease_until = @until WHERE id = @id AND lease_owner = @owner AND status = 'running'",
            new { id, owner, until = until.ToUnixTimeMilliseconds() }).ConfigureAwait(false) == 1;
    }

    public async Task<bool> CompleteAsync(string id, string owner, StoredDiagnosis diagnosis, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(
            """
            UPDATE investigations SET status = 'completed', category = @category, rca_json = @rca, completed_at = @now, updated_at = @now,
                   lease_owner = NULL, lease_until = NULL, error = NULL
            WHERE id = @id AND lease_owner = @owner AND status = 'running'
            """,
            new { id, owner, now = ms, category = diagnosis.RootCause?.Category, rca = JsonSerializer.Serialize(diagnosis, StorageJson.Options) }, tx).ConfigureAwait(false);
        if (updated == 1)
        {
            foreach (var channel in channels)
            {
                await InsertNotificationAsync(connection, tx, id, channel, "new", ms).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    private static Task InsertNotificationAsync(DbConnection connection, DbTransaction tx, string investigationId, string channel, string kind, long now) =>
        connection.ExecuteAsync(
            """
            INSERT INTO notifications (id, investigation_id, channel, kind, status, attempts, next_attempt_at, created_at)
            VALUES (@nid, @investigationId, @channel, @kind, 'pending', 0, @now, @now)
            ON CONFLICT (investigation_id, channel, kind) DO NOTHING
            """,
            new { nid = Guid.CreateVersion7().ToString(), investigationId, channel, kind, now }, tx);

    public async Task<bool> FailAsync(string id, string owner, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            """
            UPDATE investigations SET status = 'failed', error = @error, completed_at = @now, updated_at = @now, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND lease_owner = @owner AND status = 'running'
            """,
            new { id, owner, error, now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false) == 1;
    }

    public async Task<Rca?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<RcaRow>($"{RcaRow.Select} WHERE id = @id", new { id }).ConfigureAwait(false);
        var list = rows.ToList();
        return list.Count == 0 ? null : (await ComposeAsync(connection, list).ConfigureAwait(false))[0];
    }

    public async Task<(string Status, string? Markdown)?> GetPostmortemAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<(string Status, string? Json)>("SELECT status, rca_json FROM investigations WHERE id = @id", new { id }).ConfigureAwait(false);
        return row.Status is null
            ? null
            : (row.Status, row.Json is null ? null : JsonSerializer.Deserialize<StoredDiagnosis>(row.Json, StorageJson.Options)?.Postmortem);
    }

    public async Task<RcaPage> QueryAsync(RcaQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        void Filter(string? value, string sql, string name)
        {
            if (value is not null)
            {
                where.Add(sql);
                parameters.Add(name, value);
            }
        }

        Filter(query.Namespace, "namespace = @ns", "ns");
        Filter(query.Pod, "pod = @pod", "pod");
        Filter(query.Workload, "workload = @workload", "workload");
        Filter(query.Category, "category = @category", "category");
        Filter(query.Status, "status = @status", "status");
        if (query.From is { } from)
        {
            where.Add("received_at >= @from");
            parameters.Add("from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("received_at <= @to");
            parameters.Add("to", to.ToUnixTimeMilliseconds());
        }

        if (query.Cursor is { } cursor)
        {
            where.Add("(received_at < @cursorAt OR (received_at = @cursorAt AND id < @cursorId))");
            parameters.Add("cursorAt", cursor.ReceivedAtMs);
            parameters.Add("cursorId", cursor.Id);
        }

        parameters.Add("take", query.Limit + 1);
        var sql = $"{RcaRow.Select}{(where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where))} ORDER BY received_at DESC, id DESC LIMIT @take";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<RcaRow>(sql, parameters).ConfigureAwait(false)).ToList();
        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var items = rows.Count == 0 ? [] : await ComposeAsync(connection, rows).ConfigureAwait(false);
        var next = hasMore ? new RcaCursor(rows[^1].received_at, rows[^1].id).Encode() : null;
        return new RcaPage(items, next);
    }

    private static async Task<List<Rca>> ComposeAsync(DbConnection connection, List<RcaRow> rows)
    {
        var ids = rows.Select(r => r.id).ToArray();
        var alerts = (await connection.QueryAsync<(string InvestigationId, string Status, int Count)>(
            $"SELECT investigation_id, status, received_count FROM alerts WHERE investigation_id IN ({InList(ids.Length)})", Params(ids)).ConfigureAwait(false))
            .ToLookup(a => a.InvestigationId);
        var notifications = (await connection.QueryAsync<(string InvestigationId, string Channel, string Kind, string Status, int Attempts, string? LastError)>(
            $"SELECT investigation_id, channel, kind, status, attempts, last_error FROM notifications WHERE investigation_id IN ({InList(ids.Length)}) ORDER BY created_at, channel", Params(ids)).ConfigureAwait(false))
            .ToLookup(n => n.InvestigationId);
        return rows.Select(r => r.ToRca(
            alerts[r.id].Sum(a => a.Count),
            notifications[r.id].Where(n => n.Kind == "new").Select(n => new NotificationState(n.Channel, n.Status, n.Attempts, n.LastError)).ToList())).ToList();
    }

    private static string InList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@p{i}"));

    private static DynamicParameters Params(string[] ids)
    {
        var p = new DynamicParameters();
        for (var i = 0; i < ids.Length; i++)
        {
            p.Add($"p{i}", ids[i]);
        }

        return p;
    }

    public async Task<int> DeleteCompletedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var ms = cutoff.ToUnixTimeMilliseconds();
        const string Old = "SELECT id FROM investigations WHERE status IN ('completed', 'failed') AND completed_at < @ms";
        await connection.ExecuteAsync($"DELETE FROM alerts WHERE investigation_id IN ({Old})", new { ms }, tx).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM notifications WHERE investigation_id IN ({Old})", new { ms }, tx).ConfigureAwait(false);
        var deleted = await connection.ExecuteAsync("DELETE FROM investigations WHERE status IN ('completed', 'failed') AND completed_at < @ms", new { ms }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM investigations GROUP BY status").ConfigureAwait(false);
        return rows.ToDictionary(r => r.Status, r => r.Count);
    }

    public async Task<IReadOnlyList<OutboxMessage>> ClaimNotificationsAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Id, string InvestigationId, string Channel, string Kind, int Attempts, string? ThreadKey)>(
            $"""
            UPDATE notifications SET lease_until = @until, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM notifications
                WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt_at, id
                LIMIT @max {ClaimSuffix})
            RETURNING id, investigation_id, channel, kind, attempts, thread_key
            """,
            new { now = ms, until = (now + lease).ToUnixTimeMilliseconds(), max }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new OutboxMessage(r.Id, r.InvestigationId, r.Channel, r.Kind, r.Attempts, r.ThreadKey)).ToList();
    }

    public async Task RecordNotificationAsync(string notificationId, OutboxResult result, string? error, string? threadKey, DateTimeOffset? nextAttempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var status = result switch { OutboxResult.Sent => "sent", OutboxResult.Failed => "failed", _ => "pending" };
        await connection.ExecuteAsync(
            """
            UPDATE notifications SET status = @status, last_error = @error, thread_key = COALESCE(@threadKey, thread_key), lease_until = NULL,
                   next_attempt_at = @next, sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
            WHERE id = @id
            """,
            new { id = notificationId, status, error, threadKey, next = (nextAttempt ?? now).ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false);
    }

    public async Task<string?> GetThreadKeyAsync(string investigationId, string channel, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryFirstOrDefaultAsync<string?>(
            "SELECT thread_key FROM notifications WHERE investigation_id = @investigationId AND channel = @channel AND kind = 'new' AND status = 'sent'",
            new { investigationId, channel }).ConfigureAwait(false);
    }

    public async Task<int> RequeueRunningAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "UPDATE investigations SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = @now WHERE status = 'running'",
            new { now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM investigations WHERE 1 = 0").ConfigureAwait(false);
    }

#pragma warning disable IDE1006, SA1300 // Dapper maps columns by name.
    private sealed record RcaRow(string id, string status, string source, string request_json, string? rca_json, string? error, string? alert_status, long received_at, long? completed_at)
    {
        public const string Select = "SELECT id, status, source, request_json, rca_json, error, alert_status, received_at, completed_at FROM investigations";

        public Rca ToRca(int receivedCount, IReadOnlyList<NotificationState> notifications)
        {
            var request = JsonSerializer.Deserialize<InvestigationRequest>(request_json, StorageJson.Options)!;
            var diagnosis = rca_json is null ? null : JsonSerializer.Deserialize<StoredDiagnosis>(rca_json, StorageJson.Options);
            var alert = request.Alert;
            return new Rca
            {
                Id = id,
                Status = status,
                Source = source,
                Alert = alert is null ? null : new RcaAlert(alert.Name, alert.Fingerprint, alert_status ?? (alert.Firing ? "firing" : "resolved"), alert.StartsAt, alert.Labels, alert.Annotations, Math.Max(1, receivedCount), alert.GeneratorUrl, alert.DashboardUrl, alert.PanelUrl),
                Target = diagnosis?.Target ?? new RcaTarget(request.Query.Pod is null ? request.Query.WorkloadKind ?? "Unknown" : "Pod", request.Query.Namespace, request.Query.Pod ?? request.Query.WorkloadName ?? request.Query.Service ?? request.Query.Node ?? string.Empty, request.Query.Container, request.Query.WorkloadName is null ? null : new WorkloadRef(request.Query.WorkloadKind ?? "Deployment", request.Query.WorkloadName)),
                RootCause = diagnosis?.RootCause,
                Confidence = diagnosis?.Confidence,
                Alternatives = diagnosis?.Alternatives,
                Evidence = diagnosis?.Evidence,
                Timeline = diagnosis?.Timeline,
                FixSteps = diagnosis?.FixSteps,
                Notifications = notifications,
                Durations = diagnosis?.Durations,
                Gaps = diagnosis?.Gaps,
                Error = error,
                ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(received_at),
                CompletedAt = completed_at is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null,
            };
        }
    }
#pragma warning restore IDE1006, SA1300
}
