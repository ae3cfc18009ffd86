using Klarsicht.Testing.Hosting;
using System.Data.Common;
using System.Text;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Storage.Investigations;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.Replay;
using Klarsicht.Replay.Hosting;
using Klarsicht.Replay.Scoring;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>
/// N webhook deliveries, each a distinct alert (fingerprint) for one of ~500 workloads, against the real service on
/// Kestrel from an in-process load loop with bounded concurrency; then every delivery is counted in storage.
/// </summary>
public static class IntakeSuite
{
    public static async Task RunAsync(int deliveries, int concurrency, int workloads, string? postgres)
    {
        Stats.Header($"intake: {deliveries} deliveries, {workloads} workloads, concurrency {concurrency}, storage {(postgres is null ? "sqlite" : "postgres")}");
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions());
        var data = Directory.CreateTempSubdirectory("klarsicht-intake-").FullName;
        var settings = new Dictionary<string, string?>();
        if (postgres is not null)
        {
            settings["Klarsicht:Storage:Provider"] = "postgres";
            settings["ConnectionStrings:Klarsicht"] = postgres;
        }

        await using var service = KlarsichtService.Start(kube.BaseUrl, data, settings);
        using var http = ReplayRunner.Client(service.BaseUrl, connections: concurrency);
        var run = $"r{DateTime.UtcNow:HHmmss}";

        var warm = await LoadLoop.RunAsync(http, Bodies($"{run}-warm", 1000, workloads), concurrency);
        Console.WriteLine($"warm-up: 1000 deliveries in {warm.Elapsed.TotalMilliseconds:0} ms, {warm.Errors} errors");
        await Task.Delay(2000);

        var bodies = Bodies(run, deliveries, workloads);
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (gen0, gen1, gen2, paused, allocated) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        var outcome = await LoadLoop.RunAsync(http, bodies, concurrency);
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var gc = $"GC during the run: {GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(1) - gen1} gen1, {GC.CollectionCount(2) - gen2} gen2, " +
            $"paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms in all, {(GC.GetTotalAllocatedBytes() - allocated) / (double)deliveries / 1024:0.0} KB allocated per delivery";
        var p = Percentiles.Of(outcome.LatenciesMs);
        Console.WriteLine($"deliveries/s: {deliveries / outcome.Elapsed.TotalSeconds:0} ({deliveries} in {outcome.Elapsed.TotalMilliseconds:0} ms), errors {outcome.Errors}{(outcome.FirstError is null ? "" : $" (first: {outcome.FirstError})")} (target >= 5000/s)");
        Console.WriteLine($"latency: {Stats.Ms(p)} (target p99 <= 20 ms)");
        Console.WriteLine(gc);
        Console.WriteLine($"CPU (this process: load loop + service + fake API): {cpu.TotalMilliseconds / deliveries:0.000} ms per delivery, i.e. at most {Environment.ProcessorCount * 1000 / (cpu.TotalMilliseconds / deliveries):0}/s on {Environment.ProcessorCount} idle cores; load average during the run {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var (stored, investigations) = await CountAsync(postgres, Path.Combine(data, "klarsicht.db"), run);
        Console.WriteLine($"durable: {stored} of {deliveries} alerts stored ({(stored == deliveries ? "all" : "MISSING " + (deliveries - stored))}); {investigations} investigations opened for them");
        if (postgres is null)
        {
            await StoreOnlyAsync(bodies.Take(5000).ToList());
        }
    }

    /// <summary>The SQLite store alone (no HTTP, no worker): AcceptAsync in batches as the group commit forms them.</summary>
    private static async Task StoreOnlyAsync(List<(string Path, byte[] Body)> bodies)
    {
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var items = bodies.Select(b => AlertNormalizer.FromAlertmanager(System.Text.Json.JsonSerializer.Deserialize<AlertmanagerPayload>(b.Body, web)!)[0])
            .Select(a => { var q = TargetQueryParser.Parse(a.Labels); return new IntakeItem(new InvestigationRequest("alertmanager", a, q), TargetKey.For(q, a.Fingerprint)); })
            .ToList();
        foreach (var batch in new[] { 1, 16, 64, 512 })
        {
            var db = Path.Combine(Directory.CreateTempSubdirectory("klarsicht-store-").FullName, "k.db");
            Klarsicht.Storage.Migrations.SchemaMigrator.MigrateSqlite($"Data Source={db}");
            var store = new Klarsicht.Storage.Investigations.SqliteInvestigationStore($"Data Source={db}");
            var count = batch == 1 ? 1000 : items.Count;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < count; i += batch)
            {
                await store.AcceptAsync(items.Skip(i).Take(batch).ToList(), DateTimeOffset.UtcNow, CancellationToken.None);
            }

            cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"store only (SqliteInvestigationStore.AcceptAsync, batches of {batch}): {count / clock.Elapsed.TotalSeconds:0} alerts/s, {clock.Elapsed.TotalMilliseconds * batch / count:0.00} ms per commit, CPU {cpu.TotalMilliseconds / count:0.000} ms per alert");
        }
    }

    internal static List<(string Path, byte[] Body)> Bodies(string run, int count, int workloads)
    {
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(0, count).Select(i =>
        {
            var w = i % workloads;
            var json = $$"""
                {"version":"4","groupKey":"{}:{alertname=\"KubePodCrashLooping\"}","status":"firing","receiver":"klarsicht","groupLabels":{"alertname":"KubePodCrashLooping"},
                 "commonLabels":{"alertname":"KubePodCrashLooping","severity":"warning"},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","truncatedAlerts":0,
                 "alerts":[{"status":"firing","labels":{"alertname":"KubePodCrashLooping","namespace":"bench-{{w % 25}}","pod":"wl{{w}}-5d9c7b8f6d-x2k9p","container":"app","severity":"warning","job":"kube-state-metrics"},
                 "annotations":{"summary":"Pod is crash looping.","description":"Pod bench-{{w % 25}}/wl{{w}}-5d9c7b8f6d-x2k9p (app) is in waiting state (reason: \"CrashLoopBackOff\")."},
                 "startsAt":"{{startsAt}}","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"{{run}}-{{i:x8}}"}]}
                """;
            return ("api/v1/webhooks/alertmanager", Encoding.UTF8.GetBytes(json));
        }).ToList();
    }

    private static async Task<(long Alerts, long Investigations)> CountAsync(string? postgres, string sqlite, string run)
    {
        await using DbConnection connection = postgres is null ? new SqliteConnection($"Data Source={sqlite}") : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), COUNT(DISTINCT investigation_id) FROM alerts WHERE fingerprint LIKE '{run}-%' AND fingerprint NOT LIKE '{run}-warm%'";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
