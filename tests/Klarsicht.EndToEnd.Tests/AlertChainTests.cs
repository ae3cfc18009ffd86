using Klarsicht.Testing.Hosting;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Klarsicht.EndToEnd.Tests.Infrastructure;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Testing.Prometheus;
using Xunit.Abstractions;

namespace Klarsicht.EndToEnd.Tests;

/// <summary>
/// The chain the way users run it: a crash-looping pod in the (fake) Kubernetes API → a real Prometheus scraping
/// its kube-state-metrics-style series and firing KubePodCrashLooping → a real Alertmanager posting to Klarsicht's
/// webhook with a bearer token → the RCA, a Slack message and a Grafana annotation; then the pod recovers, the
/// rule resolves, and the resolution reaches the RCA.
/// </summary>
public sealed class AlertChainTests(ITestOutputHelper output)
{
    private const string ScenarioFile = "app-crash-python-keyerror-feed-item.json";
    private const string WebhookToken = "e2e-webhook-token-0123456789";
    private const string SlackToken = "xoxb-e2e-test-token";
    private const string GrafanaToken = "glsa_e2e_test_token";

    // kube-prometheus' KubePodCrashLooping with a 10 s window instead of 5m: with [5m] the rule would keep firing
    // for five minutes after the pod recovers, and the test would wait that long for the resolution.
    private const string RuleExpression = """max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[10s]) >= 1""";

    private static readonly TimeSpan FiringBudget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ResolvingBudget = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task CrashLoopingPod_FlowsThroughPrometheusAndAlertmanager_ToAnRcaSlackAndGrafana_AndResolves()
    {
        // Fail (not skip) without the tools: the suite is meant to exercise the real chain.
        var prometheusBinary = PrometheusBinaries.Prometheus;
        var alertmanagerBinary = Binaries.Alertmanager;
        using var cancellation = new CancellationTokenSource(FiringBudget + ResolvingBudget + TimeSpan.FromSeconds(30));
        var ct = cancellation.Token;
        var clock = Stopwatch.StartNew();

        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Corpus", ScenarioFile));
        var labels = scenario.Alert.Payload!["alerts"]![0]!["labels"]!;
        var (ns, pod) = (labels["namespace"]!.GetValue<string>(), labels["pod"]!.GetValue<string>());

        // Offset null: every timestamp moves so that the scenario's "now" is now; the incident is current.
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = [scenario] }, ct);
        await using var slack = await RecordingReceiver.StartAsync("/api/chat.postMessage", """{"ok":true,"channel":"C1","ts":"1.0"}""");
        await using var grafana = await RecordingReceiver.StartAsync("/api/annotations", """{"message":"Annotation added","id":1}""");

        var prometheusPort = PrometheusTestServer.FreePort();
        using var data = new TempDirectory("klarsicht-e2e-data-");
        await using var klarsicht = KlarsichtService.Start(kube.BaseUrl, data.Path, new Dictionary<string, string?>
        {
            ["Klarsicht:Investigations:PollInterval"] = "00:00:00.100",
            ["Klarsicht:Webhooks:Tokens:0"] = WebhookToken,
            ["Klarsicht:Prometheus:Url"] = $"http://127.0.0.1:{prometheusPort}/",
            ["Klarsicht:Slack:BotToken"] = SlackToken,
            ["Klarsicht:Slack:Channel"] = "C1",
            ["Klarsicht:Slack:ApiUrl"] = $"{slack.BaseUrl}/api",
            ["Klarsicht:Grafana:Url"] = grafana.BaseUrl,
            ["Klarsicht:Grafana:Token"] = GrafanaToken,
        });
        using var api = klarsicht.CreateClient();

        await using var alertmanager = await StartAlertmanagerAsync(alertmanagerBinary, klarsicht.BaseUrl.ToString().TrimEnd('/'), ct);
        await using var prometheus = await StartPrometheusAsync(prometheusBinary, prometheusPort, kube.BaseUrl, alertmanager.BaseUrl, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: fake API, receivers, Klarsicht, Alertmanager and Prometheus are up");

        async Task<string> Diagnostics() =>
            $"\n--- Prometheus alerts:\n{await Try(() => prometheus.GetStringAsync("api/v1/alerts"))}" +
            $"\n--- Alertmanager alerts:\n{await Try(() => alertmanager.GetStringAsync("api/v2/alerts"))}" +
            $"\n--- Prometheus output:\n{prometheus.Output}\n--- Alertmanager output:\n{alertmanager.Output}" +
            $"\n--- RCAs:\n{await Try(() => api.GetStringAsync("/api/v1/rcas"))}" +
            $"\n--- Slack: {slack.Requests.Count} requests, Grafana: {grafana.Requests.Count} requests";

        // Firing: the RCA completes, Slack and Grafana hear about it.
        var rca = await EventuallyAsync("a completed RCA for the crash-looping pod", FiringBudget, async () =>
        {
            var page = await api.GetFromJsonAsync<JsonNode>($"/api/v1/rcas?namespace={ns}&pod={pod}", ct);
            return page!["items"]!.AsArray().FirstOrDefault(r => r!["status"]!.GetValue<string>() == "completed");
        }, Diagnostics, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: RCA {rca!["id"]} completed: {rca["rootCause"]?["category"]}: {rca["rootCause"]?["summary"]}");

        Assert.Equal("alertmanager", rca["source"]!.GetValue<string>());
        Assert.Equal("KubePodCrashLooping", rca["alert"]!["name"]!.GetValue<string>());
        Assert.Equal("firing", rca["alert"]!["status"]!.GetValue<string>());
        Assert.Equal(pod, rca["target"]!["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(rca["rootCause"]?["category"]?.GetValue<string>()), "the RCA names a root cause");
        Assert.NotEmpty(rca["evidence"]!.AsArray());
        var id = rca["id"]!.GetValue<string>();

        await EventuallyAsync("the Slack message and the Grafana annotation", TimeSpan.FromSeconds(20),
            () => Task.FromResult<object?>(slack.Requests.Count > 0 && grafana.Requests.Count > 0 ? true : null), Diagnostics, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: Slack and Grafana received the RCA");

        var message = slack.Requests[0];
        Assert.Equal($"Bearer {SlackToken}", message.Authorization);
        Assert.Equal("C1", JsonNode.Parse(message.Body)!["channel"]!.GetValue<string>());
        Assert.DoesNotContain(SlackToken, message.Body, StringComparison.Ordinal);
        var annotation = grafana.Requests[0];
        Assert.Equal($"Bearer {GrafanaToken}", annotation.Authorization);
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(annotation.Body)!["text"]?.GetValue<string>()), "the annotation has a text");

        // Klarsicht asked the real Prometheus for metrics evidence.
        var queries = (await prometheus.GetStringAsync("metrics")).Split('\n')
            .Where(l => l.StartsWith("prometheus_http_requests_total{", StringComparison.Ordinal) && l.Contains("handler=\"/api/v1/query", StringComparison.Ordinal))
            .ToList();
        Assert.True(queries.Any(l => l.Contains("code=\"200\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)),
            $"Prometheus answered no query from Klarsicht: {string.Join(" | ", queries)}; evidence: {rca["evidence"]}");

        // Resolving: the pod runs and is ready again, its waiting series disappears, the rule resolves, Alertmanager
        // sends the resolution (send_resolved), and the RCA's alert says so.
        kube.Clear();
        kube.AddScenario(Recovered(scenario, ns, pod));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: the pod is running and ready");

        var resolved = await EventuallyAsync("the resolution on the RCA", ResolvingBudget, async () =>
        {
            var current = await api.GetFromJsonAsync<JsonNode>($"/api/v1/rcas/{id}", ct);
            return current!["alert"]?["status"]?.GetValue<string>() == "resolved" ? current : null;
        }, Diagnostics, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: the RCA's alert is resolved ({slack.Requests.Count} Slack messages in all)");
        Assert.Equal("completed", resolved!["status"]!.GetValue<string>());
    }

    private async Task<ToolProcess> StartAlertmanagerAsync(string binary, string klarsichtUrl, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("klarsicht-e2e-alertmanager-").FullName;
        var config = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: klarsicht
              group_by: [alertname, namespace]
              group_wait: 1s
              group_interval: 2s
              repeat_interval: 1h
            receivers:
              - name: klarsicht
                webhook_configs:
                  - url: {klarsichtUrl}/api/v1/webhooks/alertmanager
                    send_resolved: true
                    max_alerts: 50
                    http_config:
                      authorization:
                        credentials: {WebhookToken}
            """, ct);
        var port = PrometheusTestServer.FreePort();
        return await ToolProcess.StartAsync("alertmanager", binary, directory, port,
        [
            $"--config.file={config}", $"--storage.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ], ct);
    }

    private static async Task<ToolProcess> StartPrometheusAsync(string binary, int port, string kubeUrl, Uri alertmanagerUrl, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("klarsicht-e2e-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), $"""
            groups:
              - name: kubernetes-apps
                rules:
                  - alert: KubePodCrashLooping
                    expr: '{RuleExpression}'
                    for: 0s
                    labels:
                      severity: warning
                    annotations:
                      summary: Pod is crash looping.
                      description: 'Pod {"{{"} $labels.namespace {"}}"}/{"{{"} $labels.pod {"}}"} ({"{{"} $labels.container {"}}"}) is in waiting state (reason: "CrashLoopBackOff").'
            """, ct);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - rules.yml
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["{alertmanagerUrl.Authority}"]
            scrape_configs:
              - job_name: kube-state-metrics
                metrics_path: /metrics
                static_configs:
                  - targets: ["{new Uri(kubeUrl).Authority}"]
            """, ct);
        return await ToolProcess.StartAsync("prometheus", binary, directory, port,
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--rules.alert.resend-delay=1s", "--log.level=warn",
        ], ct);
    }

    /// <summary>The scenario with the alerted pod running and ready: no container waits any more.</summary>
    private static Scenario Recovered(Scenario scenario, string ns, string pod)
    {
        var started = scenario.Now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var objects = scenario.Objects.Select(o => o.DeepClone().AsObject()).ToList();
        var target = objects.Single(o => o["kind"]?.GetValue<string>() == "Pod"
            && o["metadata"]?["name"]?.GetValue<string>() == pod && o["metadata"]?["namespace"]?.GetValue<string>() == ns);
        var status = target["status"]!.AsObject();
        status["phase"] = "Running";
        foreach (var condition in status["conditions"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            condition["status"] = "True";
            condition.Remove("reason");
            condition.Remove("message");
        }

        foreach (var container in status["containerStatuses"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            container["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } };
            container["ready"] = true;
            container["started"] = true;
        }

        return scenario with { Objects = objects };
    }

    private async Task<T> EventuallyAsync<T>(string what, TimeSpan budget, Func<Task<T?>> probe, Func<Task<string>> diagnostics, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < budget)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (HttpRequestException ex)
            {
                output.WriteLine($"{what}: {ex.Message}");
            }

            await Task.Delay(250, ct);
        }

        throw new Xunit.Sdk.XunitException($"Waited {budget.TotalSeconds:0} s for {what}.{await diagnostics()}");
    }

    private static async Task<string> Try(Func<Task<string>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"({ex.Message})";
        }
    }

    /// <summary>Klarsicht's SQLite folder, deleted after the service has stopped (declared before it, disposed after it).</summary>
    private sealed class TempDirectory(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover temp directory is not worth failing a test for.
            }
        }
    }
}
