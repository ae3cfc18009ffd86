using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klarsicht.Testing.Http;

public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, port 0) that records what it receives and answers as told.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedRequest> requests = new();

    private Receiver(WebApplication app) => this.app = app;

    public IReadOnlyList<ReceivedRequest> Requests => requests.ToArray();

    public ReceivedRequest Single => requests.Single();

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    /// <param name="respond">Writes the answer; it sees the recorded request.</param>
    public static async Task<Receiver> StartAsync(Func<ReceivedRequest, HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
            receiver.requests.Enqueue(request);
            await respond(request, context);
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.First() ?? throw new InvalidOperationException("Kestrel reported no address");
        receiver.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>Answers every request with a status, a body and optional headers.</summary>
    public static Task<Receiver> StartAsync(int status, string body, string contentType = "application/json", params (string Name, string Value)[] headers) =>
        StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.WriteAsync(body, context.RequestAborted);
        });

    /// <summary>Accepts the request and never answers (until the client gives up).</summary>
    public static Task<Receiver> StartSilentAsync() =>
        StartAsync(async (_, context) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client hung up, as it should.
            }
        });

    /// <summary>A URL on 127.0.0.1 where nothing listens.</summary>
    public static string ClosedPortUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}
