using System.Net;
using k8s;
using k8s.Autorest;
using Klarsicht.FakeKube.Tests.Api;
using Klarsicht.FakeKube.Tests.Infrastructure;

namespace Klarsicht.FakeKube.Tests.Logs;

/// <summary>The log endpoint answers as the API server and kubelet do, including for log entries a scenario lacks.</summary>
public sealed class PodLogTests(FakeKubeFixture fixture) : IClassFixture<FakeKubeFixture>
{
    private readonly Kubernetes _client = fixture.Client;

    [Fact]
    public async Task PodLogs_Previous_ReturnsLastTerminatedInstanceAsText()
    {
        var log = await ReadAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, "api", previous: true, tailLines: 300);

        Assert.Contains("java.lang.OutOfMemoryError: Java heap space", log, StringComparison.Ordinal);
        Assert.Equal(10, log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task PodLogs_TailLines_ReturnsOnlyTheLastLines()
    {
        var log = await ReadAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, "api", previous: true, tailLines: 2);

        Assert.Equal(
            "2026-01-01T11:58:01.512Z WARN heap usage 97% of 256Mi\n2026-01-01T11:58:01.990Z ERROR java.lang.OutOfMemoryError: Java heap space\n",
            log);
    }

    [Fact]
    public async Task PodLogs_LimitBytes_CutsTheOutput()
    {
        using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace,
            container: "api", previous: true, limitBytes: 10);
        using var reader = new StreamReader(stream);

        Assert.Equal("2026-01-01", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task PodLogs_CurrentOfContainerWaitingAfterCrash_ReturnsLastTerminatedInstance()
    {
        var current = await ReadAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, "api", previous: false);
        var previous = await ReadAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, "api", previous: true);

        Assert.Equal(previous, current);
    }

    [Fact]
    public async Task PodLogs_SingleContainerPodWithoutContainerName_UsesTheOnlyContainer()
    {
        var log = await ReadAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace, container: null, previous: true);

        Assert.Contains("OutOfMemoryError", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodLogs_RunningContainerWithoutEntry_ReturnsEmptyLog()
    {
        var log = await ReadAsync(TestCorpus.WorkerPod, TestCorpus.ShopNamespace, "worker", previous: false);

        Assert.Equal("", log);
    }

    [Fact]
    public async Task PodLogs_PreviousWithoutTerminatedInstance_Returns400Status()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ReadAsync(TestCorpus.WorkerPod, TestCorpus.ShopNamespace, "worker", previous: true));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Equal($"previous terminated container \"worker\" in pod \"{TestCorpus.WorkerPod}\" not found",
            KubernetesClientTests.StatusMessage(ex));
    }

    [Fact]
    public async Task PodLogs_NeverStartedContainer_Returns400WaitingToStart()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ReadAsync(TestCorpus.MultiContainerPod, TestCorpus.BatchNamespace, "api", previous: false));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Equal($"container \"api\" in pod \"{TestCorpus.MultiContainerPod}\" is waiting to start: trying and failing to pull image",
            KubernetesClientTests.StatusMessage(ex));
    }

    [Fact]
    public async Task PodLogs_MultiContainerPodWithoutContainerName_Returns400ListingContainers()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ReadAsync(TestCorpus.MultiContainerPod, TestCorpus.BatchNamespace, container: null, previous: false));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Equal($"a container name must be specified for pod {TestCorpus.MultiContainerPod}, choose one of: [api sidecar] or one of the init containers: [migrate]",
            KubernetesClientTests.StatusMessage(ex));
    }

    [Fact]
    public async Task PodLogs_InitContainer_ReturnsItsLog()
    {
        var log = await ReadAsync(TestCorpus.MultiContainerPod, TestCorpus.BatchNamespace, "migrate", previous: false);

        Assert.Equal("applying migration 0042_reports\nmigrations applied\n", log);
    }

    [Fact]
    public async Task PodLogs_UnknownContainer_Returns400NotValid()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ReadAsync(TestCorpus.MultiContainerPod, TestCorpus.BatchNamespace, "nope", previous: false));

        Assert.Equal($"container nope is not valid for pod {TestCorpus.MultiContainerPod}", KubernetesClientTests.StatusMessage(ex));
    }

    [Fact]
    public async Task PodLogs_MissingPod_Returns404()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ReadAsync("ghost", TestCorpus.ShopNamespace, "api", previous: false));

        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        Assert.Equal("pods \"ghost\" not found", KubernetesClientTests.StatusMessage(ex));
    }

    private async Task<string> ReadAsync(string pod, string ns, string? container, bool previous, int? tailLines = null)
    {
        using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, previous: previous, tailLines: tailLines);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
