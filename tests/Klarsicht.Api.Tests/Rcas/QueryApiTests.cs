using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Klarsicht.Api.Rcas;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Tests.Webhooks;
using Klarsicht.Api.Webhooks;

namespace Klarsicht.Api.Tests.Rcas;

public sealed class QueryApiTests : IAsyncLifetime
{
    private KlarsichtApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await KlarsichtApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task List_FiltersByNamespaceAndStatus_AndPagesWithACursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var response = await _client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1", pod = $"checkout-api-6d8f7c9b5-x7k2p" });
            ids.Add((await response.Content.ReadFromJsonAsync<InvestigationCreated>(KlarsichtApp.Json))!.Id);
        }

        foreach (var id in ids)
        {
            await _app.WaitForRcaAsync(_client, id);
        }

        var page1 = await _client.GetFromJsonAsync<RcaList>("/api/v1/rcas?namespace=shop-t1&status=completed&limit=2", KlarsichtApp.Json);
        Assert.Equal(2, page1!.Items.Count);
        Assert.NotNull(page1.NextCursor);
        var page2 = await _client.GetFromJsonAsync<RcaList>($"/api/v1/rcas?namespace=shop-t1&status=completed&limit=2&cursor={page1.NextCursor}", KlarsichtApp.Json);
        var page3 = await _client.GetFromJsonAsync<RcaList>($"/api/v1/rcas?namespace=shop-t1&status=completed&limit=2&cursor={page2!.NextCursor}", KlarsichtApp.Json);
        Assert.Null(page3!.NextCursor);
        var seen = page1.Items.Concat(page2.Items).Concat(page3.Items).Select(r => r.Id).ToList();
        Assert.Equal(ids.Order(), seen.Order());
        var category = page1.Items[0].RootCause!.Category;
        var byCategory = await _client.GetFromJsonAsync<RcaList>($"/api/v1/rcas?category={category}&limit=500", KlarsichtApp.Json);
        Assert.Equal(5, byCategory!.Items.Count);
        Assert.Empty((await _client.GetFromJsonAsync<RcaList>("/api/v1/rcas?namespace=elsewhere", KlarsichtApp.Json))!.Items);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("category=not_a_category", "category")]
    [InlineData("status=done", "status")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    public async Task List_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        await IntakeTests.AssertProblemAsync(await _client.GetAsync($"/api/v1/rcas?{query}"), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task List_UnparsableDate_Returns400()
    {
        var response = await _client.GetAsync("/api/v1/rcas?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        await IntakeTests.AssertProblemAsync(await _client.GetAsync("/api/v1/rcas/does-not-exist"), HttpStatusCode.NotFound, null);
        await IntakeTests.AssertProblemAsync(await _client.GetAsync("/api/v1/rcas/does-not-exist/postmortem"), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Health_ReadyAndMetrics_Answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
        var ready = await _client.GetFromJsonAsync<JsonObject>("/readyz", KlarsichtApp.Json);
        var states = ready!["dependencies"]!.AsArray().ToDictionary(d => (string)d!["name"]!, d => (string)d!["state"]!);
        Assert.Equal("up", states["storage"]);
        Assert.Equal("up", states["kubernetes"]);
        Assert.Equal("not configured", states["prometheus"]);

        await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody("{}"));
        var metrics = await _client.GetStringAsync("/metrics");
        Assert.Contains("klarsicht_webhooks_received_total{source=\"alertmanager\",outcome=\"400\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE klarsicht_investigation_duration_seconds histogram", metrics, StringComparison.Ordinal);

        // Intake's group commits: how long the webhooks of a batch waited on storage, and how many alerts it held.
        await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        metrics = await _client.GetStringAsync("/metrics");
        Assert.True(Sample(metrics, "klarsicht_intake_commit_seconds_count") >= 1, metrics);
        Assert.True(Sample(metrics, "klarsicht_intake_batch_alerts_sum") >= 1, metrics);
    }

    private static double Sample(string metrics, string name) =>
        double.Parse(metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
