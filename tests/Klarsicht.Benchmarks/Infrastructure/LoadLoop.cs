using System.Diagnostics;
using System.Net.Http.Headers;

namespace Klarsicht.Benchmarks.Infrastructure;

/// <summary>Posts prepared bodies with bounded concurrency and records each request's latency.</summary>
internal static class LoadLoop
{
    public sealed record Outcome(TimeSpan Elapsed, double[] LatenciesMs, int Errors, string? FirstError, string[] Responses);

    public static async Task<Outcome> RunAsync(HttpClient http, IReadOnlyList<(string Path, byte[] Body)> requests, int concurrency, bool keepResponses = false)
    {
        var latencies = new double[requests.Count];
        var responses = keepResponses ? new string[requests.Count] : [];
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var (path, body) = requests[i];
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(path, content);
                    var text = keepResponses || !response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {text}", null);
                    }
                    else if (keepResponses)
                    {
                        responses[i] = text!;
                    }
                }
                catch (HttpRequestException e)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        return new Outcome(clock.Elapsed, latencies, errors, firstError, responses);
    }
}
