using System.Data.Common;
using Npgsql;
using Klarsicht.Testing.Hosting;
using System.Diagnostics;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay;
using Klarsicht.Replay.Hosting;
using Klarsicht.Replay.Scoring;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>
/// GET /api/v1/rcas with filters over 100,000 stored RCAs. The rows are copies of one real completed RCA (so the
/// stored JSON has the real shape and size), spread over 200 namespaces and the 25 categories.
/// </summary>
public static class QuerySuite
{
    private const int Namespaces = 200;

    public static async Task RunAsync(int rows, int requests, BenchStorage storage)
    {
        Stats.Header($"query: GET /api/v1/rcas over {rows} stored RCAs ({storage.Name})");
        var corpus = Klarsicht.Testing.PublicCorpus.Find() ?? throw new DirectoryNotFoundException("shared/scenarios/public not found");
        var scenario = ScenarioLoader.LoadCorpus(corpus).First(s => s.Id == "oom-java-heap");
        var offset = TimeShift.OffsetToNow(scenario);
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = [scenario], Offset = offset });
        var data = Directory.CreateTempSubdirectory("klarsicht-query-").FullName;
        var connectionString = storage.NewDatabase(data);
        await using var service = KlarsichtService.Start(kube.BaseUrl, data, storage.Settings(connectionString));
        using var http = ReplayRunner.Client(service.BaseUrl);
        var template = await ReplayRunner.PostAsync(http, scenario.Alert.Format, ReplayRunner.Payload(scenario, offset));
        await ReplayRunner.WaitAsync(http, template, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        await using DbConnection connection = storage.IsPostgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        var (requestJson, rcaJson) = await InsertAsync(connection, template, rows);
        if (connection is NpgsqlConnection)
        {
            // What autovacuum would do soon after a bulk load: planner statistics for the new rows.
            await using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"inserted {rows} RCAs in {clock.ElapsedMilliseconds} ms (stored request {requestJson} bytes, rca {rcaJson} bytes each)");

        var categories = Categories.All.Select(c => c.Id).ToArray();
        var random = new Random(42);
        await MeasureAsync(http, "namespace=X&category=Y", requests, () => $"api/v1/rcas?namespace=ns-{random.Next(Namespaces)}&category={categories[random.Next(categories.Length)]}", target: true);
        await MeasureAsync(http, "namespace=X", requests / 2, () => $"api/v1/rcas?namespace=ns-{random.Next(Namespaces)}");
        await MeasureAsync(http, "category=Y", requests / 2, () => $"api/v1/rcas?category={categories[random.Next(categories.Length)]}");
        await MeasureAsync(http, "(no filter)", requests / 2, () => "api/v1/rcas");
    }

    private static async Task MeasureAsync(HttpClient http, string what, int count, Func<string> url, bool target = false)
    {
        var items = 0L;
        for (var i = 0; i < 20; i++)
        {
            using var _ = await http.GetAsync(url());
        }

        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var t = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url());
            var body = await response.Content.ReadAsStringAsync();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            items += body.Split("\"status\":\"completed\"").Length - 1;
        }

        Console.WriteLine($"GET ?{what,-24} {Stats.Ms(Percentiles.Of(times))}, {items / (double)count:0.0} RCAs/response{(target ? " (target p95 <= 20 ms)" : "")}");
    }

    private static async Task<(int Request, int Rca)> InsertAsync(DbConnection connection, string templateId, int rows)
    {
        await connection.OpenAsync();
        string requestJson;
        string rcaJson;
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT request_json, rca_json FROM investigations WHERE id = @id";
            Add(read, "@id", templateId);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            requestJson = reader.GetString(0);
            rcaJson = reader.GetString(1);
        }

        var categories = Categories.All.Select(c => c.Id).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var tx = await connection.BeginTransactionAsync();
        await using var investigation = connection.CreateCommand();
        investigation.Transaction = tx;
        investigation.CommandText =
            """
            INSERT INTO investigations (id, status, source, target_key, namespace, pod, workload, category, alert_name, alert_status, received_at, updated_at, completed_at, attempts, request_json, rca_json)
            VALUES (@id, 'completed', 'alertmanager', @key, @ns, @pod, @workload, @category, 'KubePodCrashLooping', 'firing', @at, @at, @at, 1, @request, @rca)
            """;
        var p = new[] { "@id", "@key", "@ns", "@pod", "@workload", "@category", "@at", "@request", "@rca" }.ToDictionary(n => n, n => Add(investigation, n, string.Empty));
        await using var alert = connection.CreateCommand();
        alert.Transaction = tx;
        alert.CommandText = "INSERT INTO alerts (fingerprint, starts_at, investigation_id, status, received_count, last_received_at) VALUES (@fp, @at, @id, 'firing', 1, @at)";
        var fp = Add(alert, "@fp", string.Empty);
        var aat = Add(alert, "@at", 0L);
        var aid = Add(alert, "@id", string.Empty);
        p["@request"].Value = requestJson;
        p["@rca"].Value = rcaJson;
        p["@at"].Value = 0L;
        for (var i = 0; i < rows; i++)
        {
            var id = Guid.CreateVersion7().ToString();
            var ns = $"ns-{i % Namespaces}";
            var workload = $"wl-{i % 1000}";
            p["@id"].Value = id;
            p["@key"].Value = $"{ns}/Deployment/{workload}";
            p["@ns"].Value = ns;
            p["@pod"].Value = $"{workload}-5d9c7b8f6d-x2k9p";
            p["@workload"].Value = workload;
            p["@category"].Value = categories[(i / Namespaces) % categories.Length];
            p["@at"].Value = now - ((long)(rows - i) * 1000);
            await investigation.ExecuteNonQueryAsync();
            fp.Value = $"q-{i:x8}";
            aat.Value = now - ((long)(rows - i) * 1000);
            aid.Value = id;
            await alert.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        return (requestJson.Length, rcaJson.Length);
    }

    private static DbParameter Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
