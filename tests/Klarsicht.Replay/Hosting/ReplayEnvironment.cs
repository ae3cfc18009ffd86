using Klarsicht.Testing.Hosting;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Replay.Hosting;

/// <summary>
/// One corpus as a live cluster: the fake Kubernetes API and a real Prometheus, both shifted by the same offset
/// (wall clock minus the corpus's <c>now</c>), and the real service in-process pointed at both.
/// </summary>
public sealed class ReplayEnvironment : IAsyncDisposable
{
    private ReplayEnvironment(IReadOnlyList<Scenario> scenarios, TimeSpan offset, FakeKubeServer kube, PrometheusTestServer? prometheus, KlarsichtService service, string dataDirectory)
    {
        Scenarios = scenarios;
        Offset = offset;
        Kube = kube;
        Prometheus = prometheus;
        Service = service;
        DataDirectory = dataDirectory;
    }

    /// <summary>The scenarios as written (not shifted).</summary>
    public IReadOnlyList<Scenario> Scenarios { get; }

    public TimeSpan Offset { get; }

    public FakeKubeServer Kube { get; }

    public PrometheusTestServer? Prometheus { get; }

    public KlarsichtService Service { get; }

    public string DataDirectory { get; }

    /// <param name="withPrometheus">False runs without metrics (the RCA then says metrics were not consulted).</param>
    public static async Task<ReplayEnvironment> StartAsync(IReadOnlyList<Scenario> scenarios, TimeSpan kubeLatency, bool withPrometheus = true, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var offset = scenarios.Count == 0 ? TimeSpan.Zero : TimeShift.OffsetToNow(scenarios[0]);
        var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = scenarios, Offset = offset, Latency = kubeLatency });
        PrometheusTestServer? prometheus = null;
        try
        {
            prometheus = withPrometheus ? await PrometheusTestServer.StartAsync(scenarios, offset) : null;
            var data = Directory.CreateTempSubdirectory("klarsicht-replay-").FullName;
            var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["Klarsicht:Investigations:PollInterval"] = "00:00:00.100",
                // Every replayed alert is its own incident: a repeated pass must not join the previous pass's RCAs.
                ["Klarsicht:Storage:JoinWindow"] = "00:00:00",
            };
            if (prometheus is not null)
            {
                all["Klarsicht:Prometheus:Url"] = prometheus.BaseUrl.ToString();
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            var service = KlarsichtService.Start(kube.BaseUrl, data, all);
            return new ReplayEnvironment(scenarios, offset, kube, prometheus, service, data);
        }
        catch
        {
            if (prometheus is not null)
            {
                await prometheus.DisposeAsync();
            }

            await kube.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        await Kube.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a run for.
        }
    }
}
