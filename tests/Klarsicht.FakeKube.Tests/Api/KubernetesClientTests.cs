using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Klarsicht.FakeKube.Tests.Infrastructure;

namespace Klarsicht.FakeKube.Tests.Api;

/// <summary>The real KubernetesClient reads the test corpus from the fake over HTTP.</summary>
public sealed class KubernetesClientTests(FakeKubeFixture fixture) : IClassFixture<FakeKubeFixture>
{
    private readonly Kubernetes _client = fixture.Client;

    [Fact]
    public async Task ReadPod_ExistingPod_ReturnsObjectWithStatusAsWritten()
    {
        var pod = await _client.CoreV1.ReadNamespacedPodAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace);

        Assert.Equal("Pod", pod.Kind);
        Assert.Equal("v1", pod.ApiVersion);
        var status = Assert.Single(pod.Status.ContainerStatuses);
        Assert.Equal("CrashLoopBackOff", status.State.Waiting.Reason);
        Assert.Equal("OOMKilled", status.LastState.Terminated.Reason);
        Assert.Equal(137, status.LastState.Terminated.ExitCode);
        Assert.Equal(new DateTime(2026, 1, 1, 11, 58, 2, DateTimeKind.Utc), status.LastState.Terminated.FinishedAt?.ToUniversalTime());
    }

    [Fact]
    public async Task ListPods_WithEqualityLabelSelector_ReturnsOnlyMatchingPods()
    {
        var pods = await _client.CoreV1.ListNamespacedPodAsync(TestCorpus.ShopNamespace, labelSelector: "app.kubernetes.io/name=checkout-api");

        var pod = Assert.Single(pods.Items);
        Assert.Equal(TestCorpus.CrashingPod, pod.Metadata.Name);
    }

    [Theory]
    [InlineData("tier in (frontend,backend)", 2)]
    [InlineData("tier notin (frontend)", 1)]
    [InlineData("tier!=frontend,app.kubernetes.io/name", 1)]
    [InlineData("!tier", 0)]
    [InlineData("tier==backend", 1)]
    public async Task ListPods_WithSetBasedLabelSelector_FiltersLikeTheApiServer(string selector, int expected)
    {
        var pods = await _client.CoreV1.ListNamespacedPodAsync(TestCorpus.ShopNamespace, labelSelector: selector);

        Assert.Equal(expected, pods.Items.Count);
    }

    [Fact]
    public async Task ListEvents_WithInvolvedObjectNameFieldSelector_ReturnsThatPodsEventsOfBothTimestampStyles()
    {
        var events = await _client.CoreV1.ListNamespacedEventAsync(TestCorpus.ShopNamespace,
            fieldSelector: $"involvedObject.kind=Pod,involvedObject.name={TestCorpus.CrashingPod}");

        Assert.Equal(["BackOff", "Pulled", "Scheduled"], events.Items.Select(e => e.Reason).Order());
        var scheduled = events.Items.Single(e => e.Reason == "Scheduled");
        Assert.Null(scheduled.LastTimestamp);
        Assert.Equal(new DateTime(2026, 1, 1, 11, 31, 12, DateTimeKind.Utc).AddTicks(5934330), scheduled.EventTime?.ToUniversalTime());
        var backOff = events.Items.Single(e => e.Reason == "BackOff");
        Assert.Equal("Warning", backOff.Type);
        Assert.Equal(27, backOff.Count);
    }

    [Fact]
    public async Task ListEvents_WithUnsupportedFieldLabel_Returns400FieldLabelNotSupported()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CoreV1.ListNamespacedEventAsync(TestCorpus.ShopNamespace, fieldSelector: "spec.nodeName=worker-t1"));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Equal("field label not supported: spec.nodeName", StatusMessage(ex));
    }

    [Fact]
    public async Task ListPods_WithNodeNameAndPhaseFieldSelector_Filters()
    {
        var onNode = await _client.CoreV1.ListNamespacedPodAsync(TestCorpus.ShopNamespace, fieldSelector: $"spec.nodeName={TestCorpus.ShopNode},status.phase=Running");
        var elsewhere = await _client.CoreV1.ListNamespacedPodAsync(TestCorpus.ShopNamespace, fieldSelector: "spec.nodeName!=worker-t1");

        Assert.Equal(2, onNode.Items.Count);
        Assert.Empty(elsewhere.Items);
    }

    [Fact]
    public async Task ListPods_InMissingNamespace_ReturnsEmptyList()
    {
        var pods = await _client.CoreV1.ListNamespacedPodAsync("no-such-namespace");

        Assert.Empty(pods.Items);
    }

    [Fact]
    public async Task ReadPod_MissingPod_Returns404NotFoundStatus()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CoreV1.ReadNamespacedPodAsync("ghost", TestCorpus.ShopNamespace));

        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        using var status = JsonDocument.Parse(ex.Response.Content);
        var root = status.RootElement;
        Assert.Equal("Status", root.GetProperty("kind").GetString());
        Assert.Equal("Failure", root.GetProperty("status").GetString());
        Assert.Equal("pods \"ghost\" not found", root.GetProperty("message").GetString());
        Assert.Equal("NotFound", root.GetProperty("reason").GetString());
        Assert.Equal("ghost", root.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("pods", root.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal(404, root.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ReadDeployment_Missing_Returns404WithGroupQualifiedResource()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.AppsV1.ReadNamespacedDeploymentAsync("ghost", TestCorpus.ShopNamespace));

        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        Assert.Equal("deployments.apps \"ghost\" not found", StatusMessage(ex));
    }

    [Fact]
    public async Task ListEventsV1_ConvertsCoreEventsToEventsK8sIoShape()
    {
        var events = await _client.EventsV1.ListNamespacedEventAsync(TestCorpus.ShopNamespace,
            fieldSelector: $"regarding.name={TestCorpus.CrashingPod},reason=BackOff");

        var backOff = Assert.Single(events.Items);
        Assert.Equal("Pod", backOff.Regarding.Kind);
        Assert.Equal(TestCorpus.CrashingPod, backOff.Regarding.Name);
        Assert.StartsWith("Back-off restarting failed container api", backOff.Note, StringComparison.Ordinal);
        Assert.Equal(27, backOff.DeprecatedCount);
        Assert.Equal("kubelet", backOff.ReportingController);
        Assert.Equal(new DateTime(2026, 1, 1, 11, 58, 20, DateTimeKind.Utc), backOff.DeprecatedLastTimestamp?.ToUniversalTime());
    }

    [Fact]
    public async Task ListEndpointSlices_WhenCorpusHasOnlyEndpoints_SynthesisesSlicesLabelledWithServiceName()
    {
        var slices = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(TestCorpus.CacheNamespace,
            labelSelector: "kubernetes.io/service-name=redis");

        var slice = Assert.Single(slices.Items);
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal(6379, Assert.Single(slice.Ports).Port);
        var ready = slice.Endpoints.Single(e => e.Conditions.Ready == true);
        var notReady = slice.Endpoints.Single(e => e.Conditions.Ready == false);
        Assert.Equal("10.244.5.10", Assert.Single(ready.Addresses));
        Assert.Equal("redis-1", notReady.TargetRef.Name);
        Assert.Equal("Service", Assert.Single(slice.Metadata.OwnerReferences).Kind);
    }

    [Fact]
    public async Task ReadNode_ReturnsConditions()
    {
        var node = await _client.CoreV1.ReadNodeAsync(TestCorpus.ShopNode);

        Assert.Equal("Node", node.Kind);
        Assert.Equal("True", node.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task ListNodesAndNamespaces_ClusterScoped_ReturnEveryScenariosObjects()
    {
        var nodes = await _client.CoreV1.ListNodeAsync();
        var namespaces = await _client.CoreV1.ListNamespaceAsync();

        Assert.Equal(["worker-t1", "worker-t2", "worker-t3"], nodes.Items.Select(n => n.Metadata.Name));
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == TestCorpus.ShopNamespace);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public async Task ReadReplicaSetAndDeployment_FollowOwnerReferencesUpTheChain()
    {
        var pod = await _client.CoreV1.ReadNamespacedPodAsync(TestCorpus.CrashingPod, TestCorpus.ShopNamespace);
        var rsRef = Assert.Single(pod.Metadata.OwnerReferences);
        var replicaSet = await _client.AppsV1.ReadNamespacedReplicaSetAsync(rsRef.Name, TestCorpus.ShopNamespace);
        var deploymentRef = Assert.Single(replicaSet.Metadata.OwnerReferences);
        var deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync(deploymentRef.Name, TestCorpus.ShopNamespace);

        Assert.Equal("ReplicaSet", replicaSet.Kind);
        Assert.Equal("apps/v1", replicaSet.ApiVersion);
        Assert.Equal("3", replicaSet.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("checkout-api", deployment.Metadata.Name);
        Assert.Equal("256Mi", deployment.Spec.Template.Spec.Containers[0].Resources.Limits["memory"].ToString());
    }

    [Fact]
    public async Task ListStatefulSetsAndClaims_ReturnCorpusObjects()
    {
        var statefulSets = await _client.AppsV1.ListNamespacedStatefulSetAsync(TestCorpus.CacheNamespace);
        var claims = await _client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(TestCorpus.CacheNamespace);
        var services = await _client.CoreV1.ListNamespacedServiceAsync(TestCorpus.CacheNamespace);

        Assert.Equal(1, Assert.Single(statefulSets.Items).Status.ReadyReplicas);
        Assert.Equal("Bound", Assert.Single(claims.Items).Status.Phase);
        Assert.Equal("10.96.44.7", Assert.Single(services.Items).Spec.ClusterIP);
    }

    [Fact]
    public async Task ReadNamespace_ExistingAndSynthesised_ReturnsNamespaceObjects()
    {
        var described = await _client.CoreV1.ReadNamespaceAsync(TestCorpus.ShopNamespace);
        var synthesised = await _client.CoreV1.ReadNamespaceAsync("default");

        Assert.Equal("Active", described.Status.Phase);
        Assert.Equal("default", synthesised.Metadata.Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task ListKindsTheCorpusLacks_ReturnEmptyListsOfTheRightKind()
    {
        var autoscalers = await _client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(TestCorpus.ShopNamespace);
        var jobs = await _client.BatchV1.ListNamespacedJobAsync(TestCorpus.ShopNamespace);
        var cronJobs = await _client.BatchV1.ListNamespacedCronJobAsync(TestCorpus.ShopNamespace);
        var daemonSets = await _client.AppsV1.ListNamespacedDaemonSetAsync(TestCorpus.ShopNamespace);
        var revisions = await _client.AppsV1.ListNamespacedControllerRevisionAsync(TestCorpus.ShopNamespace);

        Assert.Equal("HorizontalPodAutoscalerList", autoscalers.Kind);
        Assert.Empty(autoscalers.Items);
        Assert.Empty(jobs.Items);
        Assert.Empty(cronJobs.Items);
        Assert.Empty(daemonSets.Items);
        Assert.Empty(revisions.Items);
    }

    [Fact]
    public async Task GetVersion_ReturnsRealisticVersionInfo()
    {
        var version = await _client.Version.GetCodeAsync();

        Assert.Equal("1", version.Major);
        Assert.StartsWith("v1.", version.GitVersion, StringComparison.Ordinal);
    }

    internal static string? StatusMessage(HttpOperationException ex)
    {
        using var status = JsonDocument.Parse(ex.Response.Content);
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        return status.RootElement.GetProperty("message").GetString();
    }
}
