using System.Text.Json;
using k8s;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Investigations;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Kubernetes;
using Klarsicht.Kubernetes.Collectors;
using Klarsicht.Prometheus.Configuration;
using Klarsicht.Testing.Prometheus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Klarsicht.Kubernetes.Tests.Corpus;

/// <summary>One scenario's answer against its expectation.</summary>
public sealed record ScenarioScore(string Id, string Expected, string Actual, bool CategoryOk, bool CulpritOk, string Culprit, IReadOnlyList<string> MissingMentions, IReadOnlyList<string> LeakedSecrets, double Confidence, string Summary)
{
    public bool Ok => CategoryOk && CulpritOk && MissingMentions.Count == 0 && LeakedSecrets.Count == 0;
}

/// <summary>
/// Replays a corpus in-process: the fake API server serves it, the real KubernetesClient and collectors read
/// it, the engine diagnoses, and each answer is scored against the scenario's expectation.
/// </summary>
public static class InProcessReplay
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Replays with a real Prometheus backfilled with the corpus's series.</summary>
    public static async Task<IReadOnlyList<ScenarioScore>> RunAsync(string corpus)
    {
        var scenarios = ScenarioLoader.LoadCorpus(corpus);
        await using var prometheus = await PrometheusTestServer.StartAsync(scenarios, TimeSpan.Zero);
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Klarsicht:Prometheus:Url"] = prometheus.BaseUrl.ToString() }).Build();
        services.AddPrometheusCollector(configuration);
        await using var provider = services.BuildServiceProvider();
        return await RunAsync(scenarios, provider.GetRequiredService<IMetricsCollector>());
    }

    public static async Task<IReadOnlyList<ScenarioScore>> RunAsync(IReadOnlyList<Scenario> scenarios, IMetricsCollector? metrics)
    {
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = scenarios, Offset = TimeSpan.Zero });
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseUrl });
        var collector = new KubernetesClusterCollector(client, Options.Create(new KubernetesOptions()));
        var engine = new DiagnosisEngine();
        var scores = new List<ScenarioScore>();
        foreach (var scenario in scenarios)
        {
            var alerts = Alerts(scenario);
            var alert = alerts.FirstOrDefault(a => a.Firing) ?? alerts.First();
            var investigator = new Investigator(collector, metrics ?? new NoMetricsCollector(), engine, new FixedTime(scenario.Now));
            var outcome = await investigator.InvestigateAsync(alert, TargetQueryParser.Parse(alert.Labels), CancellationToken.None);
            scores.Add(Score(scenario, outcome.Diagnosis));
        }

        return scores;
    }

    public static IReadOnlyList<ReceivedAlert> Alerts(Scenario scenario)
    {
        var json = scenario.Alert.Payload!.ToJsonString();
        return scenario.Alert.Format == "grafana"
            ? AlertNormalizer.FromGrafana(JsonSerializer.Deserialize<GrafanaPayload>(json, Web)!)
            : AlertNormalizer.FromAlertmanager(JsonSerializer.Deserialize<AlertmanagerPayload>(json, Web)!);
    }

    public static ScenarioScore Score(Scenario scenario, Diagnosis diagnosis)
    {
        var expected = scenario.Expected!;
        var root = diagnosis.RootCause;
        var categoryOk = root.Category == expected.Category || expected.AcceptableCategories.Contains(root.Category);
        var culprits = new[] { expected.Culprit! }.Concat(expected.AcceptableCulprits);
        var culpritOk = culprits.Any(c => c.Kind == root.Culprit.Kind && c.Name == root.Culprit.Name && (c.Namespace ?? string.Empty) == (root.Culprit.Namespace ?? string.Empty));
        var text = string.Join("\n", new[] { root.Summary, root.Detail }.Concat(diagnosis.Evidence.Select(e => $"{e.Summary}\n{e.Detail}")));
        var missing = expected.MustMention.Where(m => !text.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
        var all = JsonSerializer.Serialize(diagnosis, Web);
        var leaked = expected.MustNotMention.Where(s => all.Contains(s, StringComparison.Ordinal) || JsonSerializer.Serialize(s, Web).Trim('"') is { } escaped && all.Contains(escaped, StringComparison.Ordinal)).ToList();
        return new ScenarioScore(scenario.Id, expected.Category, root.Category, categoryOk, culpritOk,
            $"{root.Culprit.Kind}/{root.Culprit.Namespace}/{root.Culprit.Name}", missing, leaked, diagnosis.Confidence, root.Summary);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
