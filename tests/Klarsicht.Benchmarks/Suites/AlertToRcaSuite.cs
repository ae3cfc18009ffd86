using System.Diagnostics;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Core.Investigations;
using Microsoft.Extensions.DependencyInjection;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay;
using Klarsicht.Replay.Hosting;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>
/// The public corpus through the real service (in-process, Kestrel, SQLite), the fake API at 20 ms per request and
/// a real backfilled Prometheus: one alert at a time, webhook POST to completed RCA.
/// </summary>
public static class AlertToRcaSuite
{
    public static async Task RunAsync(int latencyMs, BenchStorage storage)
    {
        Stats.Header($"alert-to-rca: public corpus, fake API latency {latencyMs} ms/request, real Prometheus, {storage.Name}");
        var corpus = Klarsicht.Testing.PublicCorpus.Find() ?? throw new DirectoryNotFoundException("shared/scenarios/public not found");
        var scenarios = ScenarioLoader.LoadCorpus(corpus);
        await using var env = await ReplayEnvironment.StartAsync(scenarios, TimeSpan.FromMilliseconds(latencyMs),
            settings: storage.IsPostgres ? storage.Settings(storage.NewDatabase(Path.GetTempPath())) : null);
        using var http = ReplayRunner.Client(env.Service.BaseUrl);
        var runner = new ReplayRunner(http, env.Kube) { PollInterval = TimeSpan.FromMilliseconds(2) };

        // A warm-up round (JIT, connection pools, SQLite pages), then the measured round with fresh fingerprints.
        await runner.RunAsync(scenarios, env.Offset, "warm");
        var results = await runner.RunAsync(scenarios, env.Offset, "run");
        var report = ReplayReport.Build(corpus, MachineInfo.Current, results);

        var kube = results.Where(r => r.KubeRequests is not null).Select(r => (double)r.KubeRequests!.Value).ToList();
        Console.WriteLine($"scenarios: {results.Count}, category accuracy {report.CategoryAccuracy:P1}, culprit accuracy {report.CulpritAccuracy:P1}");
        Console.WriteLine($"webhook POST -> completed RCA: {Stats.Ms(report.LatencyMs)} (targets p50 <= 120 ms, p95 <= 250 ms)");
        Console.WriteLine($"collectMs (server):            {Stats.Ms(report.CollectMs)}");
        Console.WriteLine($"diagnoseMs (server):           {Stats.Ms(Percentiles.Of(results.Where(r => r.DiagnoseMs is not null).Select(r => (double)r.DiagnoseMs!.Value)))}");
        Console.WriteLine($"outside collect+diagnose:      {Stats.Ms(Percentiles.Of(results.Where(r => r.LatencyMs is not null && r.CollectMs is not null).Select(r => r.LatencyMs!.Value - r.CollectMs!.Value - (r.DiagnoseMs ?? 0))))} (intake commit, claim, store, poll)");
        Console.WriteLine($"Kubernetes API requests/investigation: mean {kube.Average():0.0}, min {kube.Min():0}, max {kube.Max():0}; at {latencyMs} ms each that is {kube.Average() * latencyMs:0} ms if serial");
        var slow = results.OrderByDescending(r => r.LatencyMs).Take(5);
        Console.WriteLine($"slowest: {string.Join(", ", slow.Select(r => $"{r.Id} {r.LatencyMs:0} ms (collect {r.CollectMs} ms, {r.KubeRequests} requests)"))}");
        await PhasesAsync(env, scenarios, latencyMs);
    }

    /// <summary>
    /// Where collection time goes: the service's own collectors (from its container) timed phase by phase — target
    /// resolution, cluster collection, Prometheus — with the API requests of each phase counted.
    /// </summary>
    private static async Task PhasesAsync(ReplayEnvironment env, IReadOnlyList<Scenario> scenarios, int latencyMs)
    {
        var cluster = env.Service.Services.GetRequiredService<IClusterCollector>();
        var metrics = env.Service.Services.GetRequiredService<IMetricsCollector>();
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var rows = new List<(double Resolve, long ResolveReq, double Collect, long CollectReq, double Metrics)>();
        foreach (var scenario in scenarios)
        {
            var payload = ReplayRunner.Payload(scenario, env.Offset).ToJsonString();
            var alerts = scenario.Alert.Format == "grafana"
                ? AlertNormalizer.FromGrafana(System.Text.Json.JsonSerializer.Deserialize<GrafanaPayload>(payload, web)!)
                : AlertNormalizer.FromAlertmanager(System.Text.Json.JsonSerializer.Deserialize<AlertmanagerPayload>(payload, web)!);
            var alert = alerts.FirstOrDefault(a => a.Firing) ?? alerts[0];
            var query = TargetQueryParser.Parse(alert.Labels);
            var now = DateTimeOffset.UtcNow;
            var since = alert.StartsAt - Investigator.Lookback;
            env.Kube.ResetCounters();
            var t = Stopwatch.GetTimestamp();
            var target = await cluster.ResolveAsync(query, CancellationToken.None);
            var resolve = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var resolveRequests = env.Kube.RequestCount;
            t = Stopwatch.GetTimestamp();
            var evidence = await cluster.CollectAsync(target, since, CancellationToken.None);
            var collect = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var collectRequests = env.Kube.RequestCount - resolveRequests;
            var pods = new List<MetricSubject>();
            if (evidence.Subject?.Pod is { } pod)
            {
                pods.Add(new MetricSubject(pod.Namespace, pod.Name, evidence.Subject.FocusContainer, pod.NodeName, []));
            }

            t = Stopwatch.GetTimestamp();
            if (pods.Count > 0)
            {
                await metrics.CollectAsync(pods, since, now, CancellationToken.None);
            }

            rows.Add((resolve, resolveRequests, collect, collectRequests, Stopwatch.GetElapsedTime(t).TotalMilliseconds));
        }

        Console.WriteLine($"phases (service's collectors called directly, one scenario at a time, {latencyMs} ms per API request):");
        Console.WriteLine($"  resolve target:      {Stats.Ms(Percentiles.Of(rows.Select(r => r.Resolve)))}, requests mean {rows.Average(r => r.ResolveReq):0.0}");
        Console.WriteLine($"  cluster collect:     {Stats.Ms(Percentiles.Of(rows.Select(r => r.Collect)))}, requests mean {rows.Average(r => r.CollectReq):0.0}, round trips on the critical path ~{Percentiles.Of(rows.Select(r => r.Collect)).P50 / Math.Max(1, latencyMs):0.0} (p50 / latency)");
        Console.WriteLine($"  prometheus (subject): {Stats.Ms(Percentiles.Of(rows.Select(r => r.Metrics)))}");
    }
}
