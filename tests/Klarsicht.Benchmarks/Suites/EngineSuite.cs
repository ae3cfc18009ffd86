using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using k8s;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Investigations;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Kubernetes;
using Klarsicht.Kubernetes.Collectors;
using Klarsicht.Replay.Scoring;
using Microsoft.Extensions.Options;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>
/// DiagnosisEngine.Diagnose on evidence bundles collected from the public corpus by the real collectors against
/// the fake API, each padded to a 300-line previous log and 50 events.
/// </summary>
public static class EngineSuite
{
    public static async Task RunAsync()
    {
        Stats.Header("engine: DiagnosisEngine.Diagnose (300-line previous log, 50 events)");
        var bundles = await EngineBundles.LoadAsync();
        Console.WriteLine($"bundles: {bundles.Count} (public corpus), avg log lines {bundles.Average(b => b.Bundle.Subject?.Logs.Sum(l => l.Lines.Count) ?? 0):0}, avg events {bundles.Average(b => b.Bundle.Subject?.Events.Count ?? 0):0}");

        // Every call timed on its own: the per-diagnosis distribution the p99 target is about.
        var engine = new DiagnosisEngine();
        // Warm-up past tiered JIT (tier-1 after 30 calls plus background compilation) and regex construction.
        for (var round = 0; round < 40; round++)
        {
            foreach (var b in bundles)
            {
                engine.Diagnose(b.Bundle);
            }
        }

        Thread.Sleep(500);

        var times = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        const int Rounds = 40;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var b in bundles)
            {
                var t = Stopwatch.GetTimestamp();
                engine.Diagnose(b.Bundle);
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var p = Percentiles.Of(times);
        Console.WriteLine($"per call over {times.Count} calls ({Rounds} rounds x {bundles.Count} bundles): mean {times.Average():0.000} ms, p50 {p.P50:0.000} ms, p95 {p.P95:0.000} ms, p99 {p.P99:0.000} ms, max {p.Max:0.000} ms; allocated {allocated / (double)times.Count / 1024:0.0} KB/call (target p99 < 5 ms)");
        var slowest = bundles.Select(b =>
        {
            var t = Stopwatch.GetTimestamp();
            for (var i = 0; i < 20; i++)
            {
                engine.Diagnose(b.Bundle);
            }

            return (b.Id, Ms: Stopwatch.GetElapsedTime(t).TotalMilliseconds / 20);
        }).OrderByDescending(x => x.Ms).Take(5).ToList();
        Console.WriteLine($"slowest bundles: {string.Join(", ", slowest.Select(s => $"{s.Id} {s.Ms:0.000} ms"))}");

        // Where the time goes in the slowest bundles: the detectors on the alerting subject, the rest (arbiter, cascade, report).
        foreach (var (id, _) in slowest.Take(3))
        {
            var subject = bundles.First(b => b.Id == id).Bundle.Subject;
            if (subject is null)
            {
                continue;
            }

            double Time(Action action)
            {
                var t = Stopwatch.GetTimestamp();
                for (var i = 0; i < 20; i++)
                {
                    action();
                }

                return Stopwatch.GetElapsedTime(t).TotalMilliseconds / 20;
            }

            var runtime = Time(() => Klarsicht.Core.Diagnosis.Findings.RuntimeDetector.Detect(subject));
            var logs = Time(() => Klarsicht.Core.Diagnosis.Findings.LogDetector.Detect(subject, Klarsicht.Core.Diagnosis.Patterns.LogPatternLibrary.Default));
            var metrics = Time(() => Klarsicht.Core.Diagnosis.Findings.MetricDetector.Detect(subject));
            var total = Time(() => engine.Diagnose(bundles.First(b => b.Id == id).Bundle));
            var backends = subject.Dependencies.Count(d => d.Backend is not null);
            Console.WriteLine($"  {id}: total {total:0.000} ms = RuntimeDetector {runtime:0.000} + LogDetector {logs:0.000} + MetricDetector {metrics:0.000} on the subject, {total - runtime - logs - metrics:0.000} ms rest (arbiter, {backends} dependency backends judged again, report); {subject.Logs.Sum(l => l.Lines.Count)} log lines, {subject.Dependencies.Count} dependencies");
        }

        // BenchmarkDotNet, short in-process job: mean, P95 and allocations per case.
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("short");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.P95, StatisticColumn.Max)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.Console)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "klarsicht-bdn"))
            .WithOptions(ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<EngineBenchmarks>(config);
        foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
        {
            var s = report.ResultStatistics!;
            Console.WriteLine($"BDN {report.BenchmarkCase.Parameters.PrintInfo}: mean {s.Mean / 1e6:0.000} ms, p95 {s.Percentiles.P95 / 1e6:0.000} ms, p99 {s.Percentiles.Percentile(99) / 1e6:0.000} ms (of iteration means), allocated {report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) / 1024d:0.0} KB/op");
        }
    }
}

/// <summary>The evidence bundles, built once per process.</summary>
public static class EngineBundles
{
    private static IReadOnlyList<(string Id, EvidenceBundle Bundle)>? _cache;

    public static IReadOnlyList<(string Id, EvidenceBundle Bundle)> Cached => _cache ?? LoadAsync().GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<(string Id, EvidenceBundle Bundle)>> LoadAsync()
    {
        if (_cache is not null)
        {
            return _cache;
        }

        var corpus = Klarsicht.Testing.PublicCorpus.Find() ?? throw new DirectoryNotFoundException("shared/scenarios/public not found (set KLARSICHT_PUBLIC_CORPUS)");
        var scenarios = ScenarioLoader.LoadCorpus(corpus);
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = scenarios, Offset = TimeSpan.Zero });
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseUrl });
        var collector = new KubernetesClusterCollector(client, Options.Create(new KubernetesOptions()));
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var bundles = new List<(string, EvidenceBundle)>();
        foreach (var scenario in scenarios)
        {
            var json = scenario.Alert.Payload!.ToJsonString();
            var alerts = scenario.Alert.Format == "grafana"
                ? AlertNormalizer.FromGrafana(JsonSerializer.Deserialize<GrafanaPayload>(json, web)!)
                : AlertNormalizer.FromAlertmanager(JsonSerializer.Deserialize<AlertmanagerPayload>(json, web)!);
            var alert = alerts.FirstOrDefault(a => a.Firing) ?? alerts[0];
            var query = TargetQueryParser.Parse(alert.Labels);
            var target = await collector.ResolveAsync(query, CancellationToken.None);
            var evidence = await collector.CollectAsync(target, scenario.Now - Investigator.Lookback, CancellationToken.None);
            var subject = evidence.Subject is null ? null : Pad(evidence.Subject, scenario.Now);
            bundles.Add((scenario.Id, new EvidenceBundle(alert, query, scenario.Now, subject, evidence.Gaps, false, target.Note)));
        }

        _cache = bundles;
        return bundles;
    }

    /// <summary>A 300-line previous log (the original lines last, ordinary request noise before them) and 50 events.</summary>
    private static SubjectEvidence Pad(SubjectEvidence subject, DateTimeOffset now)
    {
        var container = subject.FocusContainer ?? subject.Pod?.Containers.FirstOrDefault()?.Name ?? "app";
        var pod = subject.Pod?.Name ?? subject.Ref.Name;
        var logs = subject.Logs.ToList();
        var previous = logs.FindIndex(l => l.Previous && l.Container == container);
        var original = previous >= 0 ? logs[previous].Lines : [];
        var noise = Enumerable.Range(0, Math.Max(0, 300 - original.Count)).Select(i =>
            $"{now.AddSeconds(-900 + i).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} INFO  http request handled method=GET path=/api/v1/items/{i % 97} status=200 duration_ms={i % 23 + 3} trace_id={i * 7919:x8}");
        var padded = new ContainerLog(pod, container, true, noise.Concat(original).ToList(), false);
        if (previous >= 0)
        {
            logs[previous] = padded;
        }
        else
        {
            logs.Add(padded);
        }

        var events = subject.Events.ToList();
        var reasons = new[] { ("Scheduled", "Successfully assigned"), ("Pulling", "Pulling image"), ("Pulled", "Successfully pulled image in 1.2s"), ("Created", "Created container"), ("Started", "Started container") };
        for (var i = 0; events.Count < 50; i++)
        {
            var (reason, message) = reasons[i % reasons.Length];
            events.Add(new EventFact("Pod", subject.Pod?.Namespace, pod, $"spec.containers{{{container}}}", "Normal", reason, $"{message} {container}", 1, now.AddMinutes(-40 + (i % 30)), now.AddMinutes(-40 + (i % 30)), "kubelet"));
        }

        return subject with { Logs = logs, Events = events };
    }
}

[MemoryDiagnoser]
public class EngineBenchmarks
{
    private readonly DiagnosisEngine _engine = new();
    private EvidenceBundle _bundle = null!;

    public static IEnumerable<string> Cases => ["oom-java-heap", "cascade-postgres-oomkilled", "app-crash-node-typeerror", "secret-env-dump-before-missing-bucket"];

    [ParamsSource(nameof(Cases))]
    public string Scenario { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _bundle = EngineBundles.Cached.First(b => b.Id == Scenario).Bundle;

    [Benchmark]
    public Diagnosis Diagnose() => _engine.Diagnose(_bundle);
}
