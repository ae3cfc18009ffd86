using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Klarsicht.Testing.Prometheus;

/// <summary>A request the stub received.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A loopback HTTP server that answers like a broken or picky Prometheus, for what a real one will not do on
/// demand: error envelopes of each <c>errorType</c>, a proxy's HTML 502, answers slower than the query timeout,
/// and a record of the requests (to see auth headers and form bodies). <see cref="DownUrl"/> is a closed port.
/// </summary>
public sealed class PrometheusStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private PrometheusStub(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Where the stub listens, with <c>pathPrefix</c> if one was given.</summary>
    public Uri BaseUrl { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>A stub that answers every request with <paramref name="respond"/>.</summary>
    public static async Task<PrometheusStub> StartAsync(Func<HttpContext, Task> respond, string pathPrefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        PrometheusStub? stub = null;
        app.Run(async context =>
        {
            var form = context.Request.HasFormContentType
                ? (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            stub!._requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.Headers.Authorization.FirstOrDefault(), context.Request.ContentType, form));
            await respond(context);
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        stub = new PrometheusStub(app, new Uri($"http://127.0.0.1:{address.Port}/{pathPrefix.Trim('/')}{(pathPrefix.Trim('/').Length > 0 ? "/" : "")}"));
        return stub;
    }

    /// <summary>Answers every query successfully with no series (a vector or a matrix, as the endpoint returns).</summary>
    public static Task<PrometheusStub> EmptyAsync(string pathPrefix = "") => StartAsync(WriteEmptyAsync, pathPrefix);

    /// <summary>Answers with Prometheus's error envelope, e.g. <c>bad_data</c>/400, <c>execution</c>/422, <c>timeout</c>/503, <c>internal</c>/500.</summary>
    public static Task<PrometheusStub> ErrorAsync(string errorType, int status, string error = "something went wrong") =>
        StartAsync(context => WriteAsync(context, status, "application/json",
            $$"""{"status":"error","errorType":"{{errorType}}","error":"{{error.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}"""));

    /// <summary>Answers like an ingress or auth proxy in front of Prometheus: a status and an HTML page.</summary>
    public static Task<PrometheusStub> HtmlAsync(int status = 502, string title = "502 Bad Gateway") =>
        StartAsync(context => WriteAsync(context, status, "text/html",
            $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"));

    /// <summary>Answers (empty) only after <paramref name="delay"/>, or not at all if the client gives up first.</summary>
    public static Task<PrometheusStub> SlowAsync(TimeSpan delay) =>
        StartAsync(async context =>
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await WriteEmptyAsync(context);
        });

    /// <summary>A URL where nothing listens: connecting is refused.</summary>
    public static Uri DownUrl() => new($"http://127.0.0.1:{PrometheusTestServer.FreePort()}/");

    public static Task WriteEmptyAsync(HttpContext context)
    {
        var type = context.Request.Path.Value?.EndsWith("query_range", StringComparison.Ordinal) == true ? "matrix" : "vector";
        return WriteAsync(context, 200, "application/json", "{\"status\":\"success\",\"data\":{\"resultType\":\"" + type + "\",\"result\":[]}}");
    }

    public static async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
