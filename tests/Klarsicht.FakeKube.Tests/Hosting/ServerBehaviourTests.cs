using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.FakeKube.Tests.Api;
using Klarsicht.FakeKube.Tests.Infrastructure;

namespace Klarsicht.FakeKube.Tests.Hosting;

/// <summary>Behaviour of the server itself: faults, latency, counters, run-time loading, /metrics, kubeconfig.</summary>
public sealed class ServerBehaviourTests
{
    private static Task<FakeKubeServer> StartAsync(TimeSpan latency = default) =>
        FakeKubeServer.StartAsync(new FakeKubeOptions
        {
            CorpusDirectories = [TestCorpus.Directory],
            Offset = TimeSpan.Zero,
            Latency = latency,
        });

    private static Kubernetes ClientFor(FakeKubeServer server) => new(new KubernetesClientConfiguration { Host = server.BaseUrl });

    [Fact]
    public async Task FailPath_Forbidden_Returns403StatusWithRbacMessage()
    {
        await using var server = await StartAsync();
        using var client = ClientFor(server);
        server.FailPath(r => r.Path.Value!.EndsWith("/log", StringComparison.Ordinal), 403, "Forbidden");

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ReadNamespacedPodLogAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, container: "api", previous: true));

        Assert.Equal(HttpStatusCode.Forbidden, ex.Response.StatusCode);
        Assert.Equal(
            $"pods \"{TestCorpus.CrashingPod}\" is forbidden: User \"system:serviceaccount:klarsicht:klarsicht\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"{TestCorpus.ShopNamespace}\"",
            KubernetesClientTests.StatusMessage(ex));
        Assert.Contains("\"reason\":\"Forbidden\"", ex.Response.Content, StringComparison.Ordinal);
        Assert.Contains("\"code\":403", ex.Response.Content, StringComparison.Ordinal);

        // Other paths are unaffected, and clearing the fault restores the log.
        await client.CoreV1.ReadNamespacedPodAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace);
        server.ClearFaults();
        using var log = await client.CoreV1.ReadNamespacedPodLogAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, container: "api", previous: true);
    }

    [Fact]
    public async Task FailPath_ForbiddenList_NamesListVerbAndGroup()
    {
        await using var server = await StartAsync();
        using var client = ClientFor(server);
        server.FailPath(r => r.Path.Value!.Contains("/deployments", StringComparison.Ordinal), 403, "Forbidden");

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ListNamespacedDeploymentAsync(TestCorpus.ShopNamespace));

        Assert.Equal(
            $"deployments.apps is forbidden: User \"system:serviceaccount:klarsicht:klarsicht\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"{TestCorpus.ShopNamespace}\"",
            KubernetesClientTests.StatusMessage(ex));
    }

    [Fact]
    public async Task FailPath_InternalError_Returns500Status()
    {
        await using var server = await StartAsync();
        using var client = ClientFor(server);
        server.FailPath(_ => true, 500, "InternalError");

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNodeAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, ex.Response.StatusCode);
        Assert.StartsWith("Internal error occurred:", KubernetesClientTests.StatusMessage(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latency_DelaysEveryRequestByAtLeastTheConfiguredTime()
    {
        var latency = TimeSpan.FromMilliseconds(150);
        await using var server = await StartAsync(latency);
        using var client = ClientFor(server);
        await client.CoreV1.ListNodeAsync(); // connection set-up out of the way

        var watch = Stopwatch.StartNew();
        await client.CoreV1.ListNodeAsync();

        Assert.True(watch.Elapsed >= latency, $"took {watch.Elapsed}, latency {latency}");
    }

    [Fact]
    public async Task RequestCount_CountsEveryRequestAndResets()
    {
        await using var server = await StartAsync();
        using var client = ClientFor(server);

        await client.CoreV1.ListNamespacedPodAsync(TestCorpus.ShopNamespace, labelSelector: "tier=frontend");
        await client.CoreV1.ReadNodeAsync(TestCorpus.ShopNode);
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNodeAsync("ghost"));

        Assert.Equal(3, server.RequestCount);
        // KubernetesClient always appends watch=false to list calls.
        Assert.StartsWith("GET /api/v1/namespaces/shop-t1/pods?labelSelector=tier%3Dfrontend", server.RequestLog[0], StringComparison.Ordinal);
        Assert.Equal("GET /api/v1/nodes/ghost", server.RequestLog[2]);
        server.ResetCounters();
        Assert.Equal(0, server.RequestCount);
        Assert.Empty(server.RequestLog);
    }

    [Fact]
    public async Task AddScenarioAndClear_ChangeWhatIsServedAtRunTime()
    {
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Offset = TimeSpan.Zero });
        using var client = ClientFor(server);
        Assert.Empty((await client.CoreV1.ListNodeAsync()).Items);

        server.AddScenario(ScenarioLoader.Load(Path.Combine(TestCorpus.Directory, "crashloop-deployment.json")));
        Assert.Single((await client.CoreV1.ListNodeAsync()).Items);

        server.Clear();
        Assert.Empty((await client.CoreV1.ListNodeAsync()).Items);
    }

    [Fact]
    public async Task DefaultOffset_ShiftsObjectsSoTheIncidentIsHappeningNow()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(TestCorpus.Directory, "crashloop-deployment.json"));
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = [scenario] });
        using var client = ClientFor(server);

        var pod = await client.CoreV1.ReadNamespacedPodAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace);

        // In the file the crash finished 118 s before "now"; shifted, it finished 118 s before the wall clock.
        var finishedAgo = DateTime.UtcNow - pod.Status.ContainerStatuses[0].LastState.Terminated.FinishedAt!.Value.ToUniversalTime();
        Assert.InRange(finishedAgo.TotalSeconds, 100, 200);
        Assert.InRange((DateTimeOffset.UtcNow - server.Scenarios[0].Now).TotalSeconds, -5, 60);
    }

    [Fact]
    public async Task Metrics_ExposesKubeStateMetricsStyleSeriesForPods()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient();

        var text = await http.GetStringAsync($"{server.BaseUrl}/metrics");

        Assert.Contains($"kube_pod_container_status_waiting_reason{{namespace=\"shop-t1\",pod=\"{TestCorpus.CrashingPod}\",container=\"api\",reason=\"CrashLoopBackOff\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"kube_pod_container_status_restarts_total{{namespace=\"shop-t1\",pod=\"{TestCorpus.CrashingPod}\",container=\"api\"}} 6\n", text, StringComparison.Ordinal);
        Assert.Contains($"kube_pod_container_status_last_terminated_reason{{namespace=\"shop-t1\",pod=\"{TestCorpus.CrashingPod}\",container=\"api\",reason=\"OOMKilled\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"kube_pod_container_status_ready{{namespace=\"shop-t1\",pod=\"{TestCorpus.WorkerPod}\",container=\"worker\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"kube_pod_status_phase{{namespace=\"batch-t2\",pod=\"{TestCorpus.MultiContainerPod}\",phase=\"Pending\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kube_pod_container_status_restarts_total counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_ListsServedGroupsAndResources()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient();

        var groups = await http.GetStringAsync($"{server.BaseUrl}/apis");
        var core = await http.GetStringAsync($"{server.BaseUrl}/api/v1");
        var apps = await http.GetStringAsync($"{server.BaseUrl}/apis/apps/v1");

        foreach (var group in new[] { "apps/v1", "batch/v1", "discovery.k8s.io/v1", "autoscaling/v2", "events.k8s.io/v1" })
        {
            Assert.Contains($"\"groupVersion\":\"{group}\"", groups, StringComparison.Ordinal);
        }

        Assert.Contains("{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"list\"]", core, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"controllerrevisions\"", apps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_Returns404Status()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{server.BaseUrl}/apis/example.com/v1/namespaces/x/widgets");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_ItemsCarryNoKindButSingleGetsDo()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient();

        var list = await http.GetStringAsync($"{server.BaseUrl}/api/v1/namespaces/{TestCorpus.ShopNamespace}/pods");
        var single = await http.GetStringAsync($"{server.BaseUrl}/api/v1/namespaces/{TestCorpus.ShopNamespace}/pods/{TestCorpus.WorkerPod}");

        Assert.StartsWith("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"", list, StringComparison.Ordinal);
        Assert.Contains("\"items\":[{\"metadata\":", list, StringComparison.Ordinal);
        Assert.StartsWith("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":", single, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteKubeconfig_BuildConfigFromConfigFile_TalksToTheServer()
    {
        await using var server = await StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"fakekube-{Guid.NewGuid():N}", "config");
        try
        {
            server.WriteKubeconfig(path);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new Kubernetes(config);

            var node = await client.CoreV1.ReadNodeAsync(TestCorpus.ShopNode);

            Assert.Equal(server.BaseUrl, config.Host.TrimEnd('/'));
            Assert.Equal(TestCorpus.ShopNode, node.Metadata.Name);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
