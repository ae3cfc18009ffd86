using System.Net;
using Klarsicht.FakeKube.Api;
using Klarsicht.FakeKube.Discovery;
using Klarsicht.FakeKube.Faults;
using Klarsicht.FakeKube.Metrics;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.FakeKube.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Klarsicht.FakeKube.Hosting;

/// <summary>
/// A read-only Kubernetes API server on 127.0.0.1 that serves scenario objects and logs over the real wire format,
/// for tests (the real KubernetesClient talks to it) and demos (kubectl talks to it).
/// </summary>
public sealed class FakeKubeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly RequestRecorder _recorder;
    private readonly FaultInjector _faults;
    private long _latencyTicks;

    private FakeKubeServer(WebApplication app, ObjectStore store, RequestRecorder recorder, FaultInjector faults, TimeSpan latency)
    {
        _app = app;
        _store = store;
        _recorder = recorder;
        _faults = faults;
        Latency = latency;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Requests received since start or the last <see cref="ResetCounters"/>.</summary>
    public long RequestCount => _recorder.Count;

    /// <summary>"GET /api/v1/namespaces/x/pods?labelSelector=…" per request, oldest first.</summary>
    public IReadOnlyList<string> RequestLog => _recorder.Log;

    /// <summary>The served scenarios, as shifted at load time.</summary>
    public IReadOnlyList<Scenario> Scenarios => _store.Scenarios;

    /// <summary>Delay added to every request from now on.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    public static async Task<FakeKubeServer> StartAsync(FakeKubeOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenarios = options.Scenarios.Concat(options.CorpusDirectories.SelectMany(ScenarioLoader.LoadCorpus)).ToList();
        var store = new ObjectStore(options.TimeProvider, options.Offset);
        store.Add(scenarios);
        var recorder = new RequestRecorder();
        var faults = new FaultInjector();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(FakeKubeServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(store);
        // Signals belong to whoever hosts the fake (a test run, Program.cs), not to each instance.
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var app = builder.Build();
        var server = new FakeKubeServer(app, store, recorder, faults, options.Latency);
        app.Use(server.FrontDoorAsync);
        app.MapKubeDiscovery();
        app.MapKubeResources();
        app.MapPodMetrics();
        app.MapKubeFallback();

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>
    /// From now on, requests matching <paramref name="match"/> get a Kubernetes <c>Status</c> with this code and
    /// reason (e.g. 403 "Forbidden" with the RBAC message, 500 "InternalError"). The message is derived from the
    /// path unless <paramref name="message"/> is given. The first matching fault wins.
    /// </summary>
    public void FailPath(Func<HttpRequest, bool> match, int statusCode, string reason, string? message = null) =>
        _faults.Add(match, statusCode, reason, message);

    public void ClearFaults() => _faults.Clear();

    public void ResetCounters() => _recorder.Reset();

    /// <summary>Serves one more scenario (shifted like the others) and returns it as served.</summary>
    public Scenario AddScenario(Scenario scenario) => _store.Add([scenario])[0];

    /// <summary>Forgets every object and log.</summary>
    public void Clear() => _store.Clear();

    /// <summary>Writes a kubeconfig whose current context talks to this server.</summary>
    public void WriteKubeconfig(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Kubeconfig.Render(BaseUrl));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task FrontDoorAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        _recorder.Record(request.Method, $"{request.Path}{request.QueryString}");
        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        if (await _faults.TryFailAsync(context))
        {
            return;
        }

        await next();
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
