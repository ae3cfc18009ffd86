using System.Net.Http.Json;
using System.Text.Json;
using k8s;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Api.Tests.Infrastructure;

/// <summary>
/// The real service on Kestrel (real HTTP on loopback), SQLite in a temporary folder, and the real
/// KubernetesClient pointed at a fake API server that serves the test corpus.
/// </summary>
public sealed class KlarsichtApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private Action<IServiceCollection>? _services;

    private KlarsichtApp(FakeKubeServer kube, string dataDirectory, Dictionary<string, string?> settings)
    {
        Kube = kube;
        DataDirectory = dataDirectory;
        _settings = settings;
        UseKestrel(0);
    }

    public FakeKubeServer Kube { get; }

    public string DataDirectory { get; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="services">Replaces services after the app registered its own, e.g. to wrap the store in a fault.</param>
    public static async Task<KlarsichtApp> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null, FakeKubeServer? kube = null, Action<IServiceCollection>? services = null)
    {
        kube ??= await FakeKubeServer.StartAsync(new FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus")], Offset = TimeSpan.Zero });
        var directory = dataDirectory ?? Directory.CreateTempSubdirectory("klarsicht-test-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Klarsicht"] = $"Data Source={Path.Combine(directory, "klarsicht.db")}",
            ["Klarsicht:Investigations:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new KlarsichtApp(kube, directory, all) { _services = services };
        app.StartServer();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        foreach (var (key, value) in _settings)
        {
            // Also as host settings, so code that reads configuration while registering services sees them.
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Kube.BaseUrl }));
            _services?.Invoke(services);
        });
    }

    public static StringContent JsonBody(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

    public static string Payload(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    /// <summary>The documented crash-loop delivery as a distinct alert: its own fingerprint and a label that says which.</summary>
    public static string AlertmanagerDelivery(string fingerprint)
    {
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Payload("alertmanager-crashloop.json"))!;
        payload["alerts"]![0]!["fingerprint"] = fingerprint;
        payload["alerts"]![0]!["labels"]!["delivery"] = fingerprint;
        return payload.ToJsonString();
    }

    /// <summary>Polls until the RCA leaves pending/running, or fails the test after the timeout.</summary>
    public async Task<Rca> WaitForRcaAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var rca = await client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{id}", Json);
            if (rca!.Status is RcaStatus.Completed or RcaStatus.Failed || DateTime.UtcNow > until)
            {
                return rca;
            }

            await Task.Delay(50);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
