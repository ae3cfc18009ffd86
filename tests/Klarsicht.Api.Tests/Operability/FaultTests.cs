using System.Net;
using System.Net.Http.Json;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Api.Tests.Operability;

/// <summary>Investigations complete, with the gaps recorded, whatever the outside world does.</summary>
public sealed class FaultTests
{
    [Theory]
    [InlineData(403, "events: forbidden by RBAC")]
    [InlineData(500, "events: the API server answered 500")]
    public async Task KubernetesApiRefusingEvents_RcaCompletesWithTheGap(int status, string gap)
    {
        await using var app = await KlarsichtApp.StartAsync();
        app.Kube.FailPath(r => r.Path.Value!.EndsWith("/events", StringComparison.Ordinal), status, status == 403 ? "Forbidden" : "InternalError");
        var rca = await InvestigateAsync(app);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Contains(rca.Gaps!, g => g.StartsWith(gap, StringComparison.Ordinal));
        Assert.Contains(rca.Evidence!, e => e.Summary.Contains(gap, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KubernetesApiSlowerThanTheCollectorDeadline_RcaCompletesWithTimeouts()
    {
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?> { ["Klarsicht:Kubernetes:CollectorTimeout"] = "00:00:00.300" });
        app.Kube.Latency = TimeSpan.FromSeconds(2);
        var rca = await InvestigateAsync(app);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Contains(rca.Gaps!, g => g.Contains("timed out", StringComparison.Ordinal));
        Assert.Equal(Categories.Unknown, rca.RootCause!.Category);
    }

    [Fact]
    public async Task KubernetesApiDown_RcaCompletesAsUnknown_AndReadinessSaysSo()
    {
        await using var app = await KlarsichtApp.StartAsync();
        await app.Kube.DisposeAsync();
        var rca = await InvestigateAsync(app);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Equal(Categories.Unknown, rca.RootCause!.Category);
        Assert.Contains(rca.Gaps!, g => g.Contains("unreachable", StringComparison.Ordinal));
        var ready = await app.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"kubernetes\",\"state\":\"down\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrometheusDown_RcaCompletesWithOneMetricsGap()
    {
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?> { ["Klarsicht:Prometheus:Url"] = PrometheusStub.DownUrl().ToString() });
        var rca = await InvestigateAsync(app);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Single(rca.Gaps!, g => g.StartsWith("metrics:", StringComparison.Ordinal));
        Assert.NotEqual(Categories.Unknown, rca.RootCause!.Category);
    }

    private static async Task<Rca> InvestigateAsync(KlarsichtApp app)
    {
        var client = app.CreateClient();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        return await app.WaitForRcaAsync(client, id);
    }
}
