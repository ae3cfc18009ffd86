using System.Text.Json;
using k8s;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Rcas;
using Klarsicht.Testing.Scoring;
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

/// <summary>
/// Replays a corpus in-process: the fake API server serves it, the real KubernetesClient and collectors read
/// it, the engine diagnoses, and each answer is scored against the scenario's expectation.
/// </summary>
public static class InProcessReplay
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Replays with a real Prometheus backfilled with the corpus's series.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(string corpus)
    {
        var scenarios = ScenarioLoader.LoadCorpus(corpus);
        await using var prometheus = await PrometheusTestServer.StartAsync(scenarios, TimeSpan.Zero);
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Klarsicht:Prometheus:Url"] = prometheus.BaseUrl.ToString() }).Build();
        services.AddPrometheusCollector(configuration);
        await using var provider = services.BuildServiceProvider();
        return await RunAsync(scenarios, provider.GetRequiredService<IMetricsCollector>());
    }

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(IReadOnlyList<Scenario> scenarios, IMetricsCollector? metrics)
    {
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = scenarios, Offset = TimeSpan.Zero });
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseUrl });
        var collector = new KubernetesClusterCollector(client, Options.Create(new KubernetesOptions()));
        var engine = new DiagnosisEngine();
        var scores = new List<ScenarioResult>();
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

    /// <summary>The diagnosis as the completed RCA the API would serve, scored by the shared scorer.</summary>
    public static ScenarioResult Score(Scenario scenario, Diagnosis diagnosis) =>
        ScenarioScorer.Score(scenario.Id, scenario.Expected!, new Rca
        {
            Id = scenario.Id,
            Status = RcaStatus.Completed,
            Source = scenario.Alert.Format,
            Target = diagnosis.Target,
            RootCause = diagnosis.RootCause,
            Confidence = diagnosis.Confidence,
            Alternatives = diagnosis.Alternatives,
            Evidence = diagnosis.Evidence,
            Timeline = diagnosis.Timeline,
            FixSteps = diagnosis.FixSteps,
            ReceivedAt = scenario.Now,
        });

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
