using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klarsicht.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Stands in for Slack's Web API or Grafana's HTTP API at the wire: records every POST to one path and answers
/// with the body the real service gives on success.
/// </summary>
public sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private RecordingReceiver(WebApplication app) => _app = app;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

    public static async Task<RecordingReceiver> StartAsync(string path, string answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new RecordingReceiver(app);
        app.MapPost(path, async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            receiver._requests.Enqueue(new ReceivedRequest(request.Path, request.Headers.Authorization.ToString(), await reader.ReadToEndAsync()));
            return Results.Text(answer, "application/json");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string Path, string Authorization, string Body);
