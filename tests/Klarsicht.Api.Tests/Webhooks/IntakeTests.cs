using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Api.Tests.Webhooks;

public sealed class IntakeTests : IAsyncLifetime
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
    public async Task AlertmanagerWebhook_DocumentedPayload_Returns202AndCompletesAnRca()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json);
        var item = Assert.Single(body!.Investigations);
        Assert.False(item.Deduplicated);

        var rca = await _app.WaitForRcaAsync(_client, item.Id);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Equal("alertmanager", rca.Source);
        Assert.NotNull(rca.RootCause);
        Assert.Equal("Deployment", rca.RootCause!.Culprit.Kind);
        Assert.Equal("checkout-api", rca.RootCause.Culprit.Name);
        Assert.NotEmpty(rca.Evidence!);
        Assert.NotEmpty(rca.FixSteps!);
        Assert.NotNull(rca.CompletedAt);

        var postmortem = await _client.GetAsync($"/api/v1/rcas/{item.Id}/postmortem");
        Assert.Equal(HttpStatusCode.OK, postmortem.StatusCode);
        Assert.Equal("text/markdown", postmortem.Content.Headers.ContentType!.MediaType);
        Assert.Contains("## Root cause", await postmortem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertmanagerWebhook_WithoutAlerts_ReturnsValidationProblem()
    {
        var json = JsonNode.Parse(KlarsichtApp.Payload("alertmanager-crashloop.json"))!;
        json["alerts"] = new JsonArray();
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(json.ToJsonString()));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Alerts");
    }

    [Fact]
    public async Task AlertmanagerWebhook_AlertWithoutStatus_NamesTheField()
    {
        var json = JsonNode.Parse(KlarsichtApp.Payload("alertmanager-crashloop.json"))!;
        json["alerts"]![0]!.AsObject().Remove("status");
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(json.ToJsonString()));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Alerts[0].Status");
    }

    [Theory]
    [InlineData(257, 1, 1)]
    [InlineData(10, 4097, 1)]
    [InlineData(10, 10, 201)]
    public async Task AlertmanagerWebhook_LabelsOverTheirLimits_NameTheLabels(int nameLength, int valueLength, int count)
    {
        var json = JsonNode.Parse(KlarsichtApp.Payload("alertmanager-crashloop.json"))!;
        var labels = json["alerts"]![0]!["labels"]!.AsObject();
        labels[new string('n', nameLength)] = new string('v', valueLength);
        for (var i = labels.Count; i < count; i++)
        {
            labels[$"extra_{i}"] = "x";
        }

        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(json.ToJsonString()));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Alerts[0].Labels");
    }

    [Fact]
    public async Task Webhook_MalformedJson_Returns400NamingThePath()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody("{\"version\":\"4\",\"alerts\":[{\"labels\":{\"a\":1}}]}"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "$.alerts[0].labels.a");
    }

    [Fact]
    public async Task Webhook_WrongContentType_Returns415()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", new StringContent(KlarsichtApp.Payload("alertmanager-crashloop.json"), System.Text.Encoding.UTF8, "text/plain"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
    }

    [Fact]
    public async Task Webhook_BodyOverTheLimit_Returns413()
    {
        var huge = "{\"version\":\"4\",\"receiver\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(huge));
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Fact]
    public async Task Webhook_ChunkedBody_IsReadWhole_AndRefusedPastTheLimit()
    {
        var ok = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/alertmanager") { Content = KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")) };
        ok.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(ok)).StatusCode);

        var huge = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/alertmanager")
        {
            Content = KlarsichtApp.JsonBody("{\"version\":\"4\",\"receiver\":\"" + new string('x', 1024 * 1024 + 10) + "\"}"),
        };
        huge.Headers.TransferEncodingChunked = true;
        await AssertProblemAsync(await _client.SendAsync(huge), HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Fact]
    public async Task Webhook_UnknownExtraFields_AreAccepted()
    {
        var json = JsonNode.Parse(KlarsichtApp.Payload("alertmanager-crashloop.json"))!;
        json["someFutureField"] = new JsonObject { ["x"] = 1 };
        json["alerts"]![0]!["enrichments"] = new JsonArray(1, 2);
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(json.ToJsonString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task SameAlertTwice_JoinsTheFirstInvestigation_AndCountsDeliveries()
    {
        var first = await PostAsync("alertmanager-crashloop.json");
        var second = await PostAsync("alertmanager-crashloop.json");
        Assert.Equal(first.Id, second.Id);
        Assert.True(second.Deduplicated);
        var rca = await _client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{first.Id}", KlarsichtApp.Json);
        Assert.Equal(2, rca!.Alert!.ReceivedCount);
    }

    [Fact]
    public async Task OtherAlertForTheSameWorkload_WhileOpen_JoinsTheInvestigation()
    {
        _app.Kube.Latency = TimeSpan.FromMilliseconds(300);
        var crash = await PostAsync("alertmanager-crashloop.json");
        var notReady = await PostAsync("alertmanager-notready-same-pod.json");
        _app.Kube.Latency = TimeSpan.Zero;
        Assert.Equal(crash.Id, notReady.Id);
        Assert.True(notReady.Deduplicated);
    }

    [Fact]
    public async Task ResolvedAlert_MarksTheAlertResolved_AndStartsNothing()
    {
        var firing = await PostAsync("alertmanager-crashloop.json");
        await _app.WaitForRcaAsync(_client, firing.Id);
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-resolved.json")));
        var body = await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json);
        Assert.Equal(firing.Id, Assert.Single(body!.Investigations).Id);
        var rca = await _client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{firing.Id}", KlarsichtApp.Json);
        Assert.Equal("resolved", rca!.Alert!.Status);
        var all = await _client.GetFromJsonAsync<JsonObject>("/api/v1/rcas", KlarsichtApp.Json);
        Assert.Single(all!["items"]!.AsArray());
    }

    [Fact]
    public async Task ResolvedAlertNeverSeenFiring_StartsNothing()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-resolved.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json);
        Assert.Empty(body!.Investigations);
    }

    [Fact]
    public async Task GrafanaWebhook_FiringAlert_Returns202()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/grafana", KlarsichtApp.JsonBody(KlarsichtApp.Payload("grafana-firing.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var item = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations);
        var rca = await _app.WaitForRcaAsync(_client, item.Id);
        Assert.Equal("grafana", rca.Source);
        Assert.Equal("https://grafana.example.com/d/k8s-pods?from=1789006460000&orgId=1&to=1789010075000&viewPanel=4", rca.Alert!.PanelUrl);
    }

    [Fact]
    public async Task GrafanaWebhook_TestNotification_IsAcknowledgedWithoutInvestigation()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/grafana", KlarsichtApp.JsonBody(KlarsichtApp.Payload("grafana-test-notification.json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations);
    }

    [Theory]
    [InlineData("alertmanager-crashloop.json")]
    [InlineData("grafana-firing.json")]
    public async Task AlertEndpoint_DetectsTheFormat(string payload)
    {
        var response = await _client.PostAsync("/alert", KlarsichtApp.JsonBody(KlarsichtApp.Payload(payload)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task AlertEndpoint_UnknownFormat_Returns400()
    {
        var response = await _client.PostAsync("/alert", KlarsichtApp.JsonBody("{\"version\":\"7\",\"alerts\":[]}"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "version");
    }

    [Fact]
    public async Task OnDemandInvestigation_OfAWorkload_Completes()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1", workload = new { kind = "Deployment", name = "checkout-api" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<InvestigationCreated>(KlarsichtApp.Json);
        var rca = await _app.WaitForRcaAsync(_client, created!.Id);
        Assert.Equal("manual", rca.Source);
        Assert.Equal(RcaStatus.Completed, rca.Status);
    }

    [Fact]
    public async Task OnDemandInvestigation_WithoutTarget_ReturnsValidationProblem()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1" });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "pod");
    }

    [Fact]
    public async Task InvestigationOfAPodThatDoesNotExist_CompletesWithAnHonestUnknown()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "gone-ns", pod = "ghost-7f9c8d6b5-abcde" });
        var created = await response.Content.ReadFromJsonAsync<InvestigationCreated>(KlarsichtApp.Json);
        var rca = await _app.WaitForRcaAsync(_client, created!.Id);
        Assert.Equal(RcaStatus.Completed, rca.Status);
        Assert.Equal(Categories.Unknown, rca.RootCause!.Category);
        Assert.Contains("ghost-7f9c8d6b5-abcde", rca.RootCause.Summary, StringComparison.Ordinal);
        Assert.True(rca.Confidence < 0.5);
    }

    private async Task<IntakeItemResponse> PostAsync(string payload)
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload(payload)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(KlarsichtApp.Json);
        Assert.Equal((int)status, (int)problem!["status"]!);
        if (field is not null)
        {
            var errors = problem["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(field), $"errors should name {field}: {errors.ToJsonString()}");
        }
    }
}
