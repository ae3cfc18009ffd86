using Klarsicht.Testing.Scoring;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Replay;

/// <summary>
/// Posts each scenario's alert (time-shifted) to the service's webhook, polls the RCA until it leaves
/// pending/running, and scores it. Scenarios run one after another unless <see cref="Parallelism"/> says otherwise.
/// </summary>
public sealed class ReplayRunner(HttpClient http, FakeKubeServer? kube = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How often the RCA is polled; latencies are accurate to about this.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Scenarios in flight at once. With 1, Kubernetes API requests are counted per investigation.</summary>
    public int Parallelism { get; init; } = 1;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(IReadOnlyList<Scenario> scenarios, TimeSpan offset, string? round = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var results = new ScenarioResult?[scenarios.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, Parallelism));
        var tasks = scenarios.Select(async (scenario, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                results[i] = await RunOneAsync(scenario, offset, round, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return results.Select(r => r!).ToList();
    }

    public async Task<ScenarioResult> RunOneAsync(Scenario scenario, TimeSpan offset, string? round = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var expected = scenario.Expected ?? new ScenarioExpected { Category = Categories.Unknown };
        var payload = Payload(scenario, offset, round);
        var counting = kube is not null && Parallelism == 1;
        if (counting)
        {
            kube!.ResetCounters();
        }

        var clock = Stopwatch.StartNew();
        string id;
        try
        {
            id = await PostAsync(http, scenario.Alert.Format, payload, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException)
        {
            return ScenarioScorer.NoRca(scenario.Id, expected, $"POST failed: {e.Message}");
        }

        var (rca, raw) = await WaitAsync(http, id, PollInterval, Timeout, cancellationToken);
        var latency = clock.Elapsed.TotalMilliseconds;
        if (rca is null)
        {
            return ScenarioScorer.NoRca(scenario.Id, expected, $"RCA {id} did not complete within {Timeout.TotalSeconds:0}s");
        }

        return ScenarioScorer.Score(scenario.Id, expected, rca, raw) with
        {
            LatencyMs = latency,
            KubeRequests = counting ? kube!.RequestCount : null,
        };
    }

    /// <summary>The alert payload shifted to now; with <paramref name="round"/>, fingerprints are made unique to that round so a replay is not deduplicated into an earlier one.</summary>
    public static JsonNode Payload(Scenario scenario, TimeSpan offset, string? round = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var payload = TimeShift.Shift(scenario.Alert.Payload, offset) ?? throw new InvalidDataException($"Scenario {scenario.Id} has no alert payload.");
        if (round is not null && payload["alerts"] is JsonArray alerts)
        {
            foreach (var alert in alerts.OfType<JsonObject>())
            {
                if (alert["fingerprint"] is JsonValue fp && fp.TryGetValue<string>(out var text) && text.Length > 0)
                {
                    alert["fingerprint"] = $"{text}-{round}";
                }
                else if (alert["labels"] is JsonObject labels)
                {
                    labels["replay_round"] = round;
                }
            }
        }

        return payload;
    }

    public static string WebhookPath(string format) =>
        format == "grafana" ? "api/v1/webhooks/grafana" : "api/v1/webhooks/alertmanager";

    /// <summary>POSTs a webhook and returns the first investigation's id.</summary>
    public static async Task<string> PostAsync(HttpClient http, string format, JsonNode payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(payload);
        using var body = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(WebhookPath(format), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        }

        var investigations = JsonNode.Parse(text)?["investigations"]?.AsArray();
        return investigations is { Count: > 0 } && investigations[0]?["id"]?.GetValue<string>() is { } id
            ? id
            : throw new InvalidOperationException($"The webhook started no investigation: {text}");
    }

    /// <summary>Polls until the RCA is completed or failed; null after the timeout.</summary>
    public static async Task<(Rca? Rca, string? Raw)> WaitAsync(HttpClient http, string id, TimeSpan poll, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            using var response = await http.GetAsync($"api/v1/rcas/{id}", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var raw = await response.Content.ReadAsStringAsync(cancellationToken);
                var rca = JsonSerializer.Deserialize<Rca>(raw, Json);
                if (rca is { Status: RcaStatus.Completed or RcaStatus.Failed })
                {
                    return (rca, raw);
                }
            }

            await Task.Delay(poll, cancellationToken);
        }

        return (null, null);
    }

    /// <summary>A client for the service: no proxy, generous connection pool.</summary>
    public static HttpClient Client(Uri baseUrl, string? token = null, int connections = 64)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
