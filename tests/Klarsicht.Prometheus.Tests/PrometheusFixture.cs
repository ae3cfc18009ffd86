using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Testing;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Prometheus.Tests;

/// <summary>
/// One real Prometheus for a test class, backfilled with the hand-written scenarios in <c>Series/</c> and, when the
/// public corpus is there, the public scenarios the tests use: one corpus, one cluster.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    public static readonly string[] PublicScenarios = ["oom-java-heap.json", "cpu-throttling-slow-start-liveness.json"];

    private PrometheusTestServer? _server;

    public PrometheusTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public IReadOnlyDictionary<string, Scenario> Scenarios { get; private set; } = new Dictionary<string, Scenario>();

    public async Task InitializeAsync()
    {
        var own = ScenarioLoader.LoadCorpus(Path.Combine(AppContext.BaseDirectory, "Series"));
        var pub = PublicScenarios.Select(PublicCorpus.File).OfType<string>().Select(ScenarioLoader.Load);
        var all = own.Concat(pub).ToList();
        Scenarios = all.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _server = await PrometheusTestServer.StartAsync(all, TimeSpan.Zero);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A fact that runs only where the public corpus (shared/scenarios/public) can be found.</summary>
public sealed class PublicCorpusFactAttribute : FactAttribute
{
    public PublicCorpusFactAttribute()
    {
        if (PublicCorpus.Find() is null)
        {
            Skip = $"The public scenario corpus was not found (no shared/scenarios/public above the test assembly, and ${PublicCorpus.Variable} not set).";
        }
    }
}
