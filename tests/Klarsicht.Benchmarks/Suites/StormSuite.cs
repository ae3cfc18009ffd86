using Klarsicht.Testing.Hosting;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay;
using Klarsicht.Replay.Scoring;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>
/// Alert storms against the built service running as a child process (so its working set is its own): 2,000 alerts
/// for 50 workloads of the public corpus, posted as fast as the loop can, the fake API at 20 ms per request and a real
/// Prometheus. <c>storm</c> runs one; <c>memory</c> runs ten and reports the working set idle, during and after each.
/// </summary>
public static class StormSuite
{
    public static async Task RunAsync(int storms, int alerts, int workloads, int latencyMs, bool memory, BenchStorage storage)
    {
        Stats.Header(memory
            ? $"memory: idle, during and across {storms} storms of {alerts} alerts / {workloads} workloads"
            : $"storm: {alerts} alerts for {workloads} workloads, fake API latency {latencyMs} ms, real Prometheus");
        var corpus = Klarsicht.Testing.PublicCorpus.Find() ?? throw new DirectoryNotFoundException("shared/scenarios/public not found");
        var scenarios = ScenarioLoader.LoadCorpus(corpus);
        var offset = TimeShift.OffsetToNow(scenarios[0]);
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = scenarios, Offset = offset, Latency = TimeSpan.FromMilliseconds(latencyMs) });
        await using var prometheus = await PrometheusTestServer.StartAsync(scenarios, offset);
        var data = Directory.CreateTempSubdirectory("klarsicht-storm-").FullName;
        var kubeconfig = Path.Combine(data, "kubeconfig");
        kube.WriteKubeconfig(kubeconfig);
        await using var child = ChildService.Start(new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = kubeconfig,
            ["Klarsicht__Prometheus__Url"] = prometheus.BaseUrl.ToString(),
            // Each storm must be a new incident: alerts joining a just-completed investigation is what the join
            // window is for (default 5 min), but here it would merge a storm into the previous one.
            ["Klarsicht__Storage__JoinWindow"] = "00:00:04",
        }.Concat(storage.Environment(storage.NewDatabase(data))).ToDictionary());
        Console.WriteLine($"storage: {storage.Name}");
        await child.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = ReplayRunner.Client(child.BaseUrl);
        // Idle: long enough for the service's idle trim (three quiet 2 s ticks) to have run.
        var idleWait = TimeSpan.FromSeconds(10);
        await Task.Delay(idleWait);
        var idleCold = child.WorkingSet;
        var heapCold = await ManagedHeapAsync(http);

        // Baseline and warm-up: each workload investigated once on its own, counting API requests.
        var chosen = scenarios.Where(s => s.Alert.Payload?["alerts"] is JsonArray { Count: > 0 }).Take(workloads).ToList();
        var baseline = await new ReplayRunner(http, kube) { PollInterval = TimeSpan.FromMilliseconds(5) }.RunAsync(chosen, offset, "base");
        var baselineRequests = baseline.Sum(r => r.KubeRequests ?? 0);
        Console.WriteLine($"baseline (one alert per workload, sequential): {baselineRequests} API requests for {chosen.Count} investigations = {baselineRequests / (double)chosen.Count:0.0}/investigation; accuracy {baseline.Count(r => r.CategoryOk)}/{baseline.Count}");
        // Past the 4 s join window, as between storms: otherwise the first storm straddles the window's edge and
        // its alerts split between the baseline's completed investigations and new ones.
        await Task.Delay(idleWait);
        var idle = child.WorkingSet;
        Console.WriteLine($"working set idle ({idleWait.TotalSeconds:0} s without work): {Stats.Mb(idleCold)} after start (managed heap {heapCold}), {Stats.Mb(idle)} after {chosen.Count} investigations (managed heap {await ManagedHeapAsync(http)})");

        var afterStorm = new List<long>();
        var peaks = new List<long>();
        for (var storm = 1; storm <= storms; storm++)
        {
            var bodies = Bodies(chosen, offset, alerts, $"s{DateTime.UtcNow:HHmmss}x{storm}");
            kube.ResetCounters();
            using var stop = new CancellationTokenSource();
            var peak = 0L;
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, child.WorkingSet);
                    await Task.Delay(20);
                }
            });
            var clock = Stopwatch.StartNew();
            var sent = await LoadLoop.RunAsync(http, bodies, 64, keepResponses: true);
            var ids = sent.Responses.Where(r => r is not null)
                .Select(r => JsonNode.Parse(r)!["investigations"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).FirstOrDefault())
                .OfType<string>().Distinct().ToList();
            var done = await Task.WhenAll(ids.Select(async id =>
            {
                var (rca, _) = await ReplayRunner.WaitAsync(http, id, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60));
                return (Rca: rca, At: clock.Elapsed.TotalMilliseconds);
            }));
            var allDone = clock.Elapsed;
            await stop.CancelAsync();
            await sampler;
            var requests = kube.RequestCount;
            var repeated = kube.RequestLog.GroupBy(l => l).Where(g => g.Count() > 1).Sum(g => g.Count() - 1);
            await Task.Delay(idleWait);
            afterStorm.Add(child.WorkingSet);
            peaks.Add(peak);
            var completed = done.Count(d => d.Rca?.Status == "completed");
            Console.WriteLine(
                $"storm {storm}: {alerts} alerts sent in {sent.Elapsed.TotalMilliseconds:0} ms ({sent.Errors} errors), intake {Stats.Ms(Percentiles.Of(sent.LatenciesMs))}; " +
                $"{ids.Count} investigations (target exactly {chosen.Count}), {completed} completed, all done {allDone.TotalMilliseconds:0} ms after the first alert (target <= 5000 ms); " +
                $"API requests {requests} = {requests / (double)Math.Max(1, ids.Count):0.0}/investigation (baseline {baselineRequests / (double)chosen.Count:0.0}), identical requests repeated {repeated}; " +
                $"working set peak {Stats.Mb(peak)}, after {Stats.Mb(afterStorm[^1])}");
        }

        if (memory)
        {
            Console.WriteLine($"working set: idle {Stats.Mb(idle)}, peak during storms {Stats.Mb(peaks.Max())}, after storm 1 {Stats.Mb(afterStorm[0])}, after storm {storms} {Stats.Mb(afterStorm[^1])}, growth {Stats.Mb(afterStorm[^1] - afterStorm[0])} over {storms - 1} storms");
        }
    }

    /// <summary>The service's own view of its managed heap, from /metrics.</summary>
    private static async Task<string> ManagedHeapAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_total_memory_bytes ", StringComparison.Ordinal));
        return line is null ? "unknown" : Stats.Mb((long)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Round-robin over the workloads (every workload is hit throughout the storm), each alert with its own fingerprint.</summary>
    private static List<(string Path, byte[] Body)> Bodies(IReadOnlyList<Scenario> chosen, TimeSpan offset, int alerts, string round)
    {
        var list = new List<(string, byte[])>(alerts);
        for (var i = 0; i < alerts; i++)
        {
            var w = i % chosen.Count;
            var scenario = chosen[w];
            var payload = TimeShift.Shift(scenario.Alert.Payload, offset)!.AsObject();
            var source = payload["alerts"]!.AsArray();
            var alert = (source.FirstOrDefault(a => a?["status"]?.GetValue<string>() == "firing") ?? source[0])!.DeepClone().AsObject();
            alert["fingerprint"] = $"{round}-{w}-{i / chosen.Count}";
            payload["alerts"] = new JsonArray(alert);
            list.Add((ReplayRunner.WebhookPath(scenario.Alert.Format), Encoding.UTF8.GetBytes(payload.ToJsonString())));
        }

        return list;
    }
}
