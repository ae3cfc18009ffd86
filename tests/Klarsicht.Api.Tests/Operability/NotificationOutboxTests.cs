using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.Testing.Http;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.Api.Tests.Operability;

public sealed class NotificationOutboxTests
{
    [Fact]
    public async Task CompletedRca_IsPostedOnceToSlackAndGrafana_RetryingA429AfterItsRetryAfter()
    {
        var slackCalls = 0;
        await using var slack = await Receiver.StartAsync(async (_, context) =>
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref slackCalls) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"ok\":false,\"error\":\"ratelimited\"}");
                return;
            }

            await context.Response.WriteAsync("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1789010123.456789\"}");
        });
        await using var grafana = await Receiver.StartAsync(200, "{\"message\":\"Annotation added\",\"id\":7}");
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?>
        {
            ["Klarsicht:Slack:BotToken"] = "xoxb-test-token-0123456789",
            ["Klarsicht:Slack:Channel"] = "C1",
            ["Klarsicht:Slack:ApiUrl"] = slack.Url("api"),
            ["Klarsicht:Grafana:Url"] = grafana.BaseUri.ToString(),
            ["Klarsicht:Grafana:Token"] = "glsa_test_token_0123456789",
            ["Klarsicht:Api:PublicUrl"] = "https://klarsicht.example.com/",
        });
        var client = app.CreateClient();
        var response = await client.PostAsync("/api/v1/webhooks/grafana", KlarsichtApp.JsonBody(KlarsichtApp.Payload("grafana-firing.json")));
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        await app.WaitForRcaAsync(client, id);

        var rca = await WaitAsync(client, id, r => r.Notifications.Count == 2 && r.Notifications.All(n => n.Status == "sent"));
        Assert.Equal(2, rca.Notifications.Single(n => n.Channel == "slack").Attempts);
        Assert.Equal(1, rca.Notifications.Single(n => n.Channel == "grafana").Attempts);
        Assert.Equal(2, slack.Requests.Count);
        var post = slack.Requests[^1];
        Assert.Equal("Bearer xoxb-test-token-0123456789", post.Header("Authorization"));
        Assert.EndsWith("/api/chat.postMessage", post.Path, StringComparison.Ordinal);
        Assert.Contains("https://klarsicht.example.com/api/v1/rcas/" + id, post.Body, StringComparison.Ordinal);

        var annotation = JsonNode.Parse(Assert.Single(grafana.Requests).Body)!;
        Assert.Equal("k8s-pods", (string?)annotation["dashboardUID"]);
        Assert.Equal(4, (long)annotation["panelId"]!);
        Assert.Contains("klarsicht", annotation["tags"]!.AsArray().Select(t => (string?)t));

        // A restart neither loses nor repeats a message: nothing more is sent afterwards.
        await Task.Delay(1500);
        Assert.Equal(2, slack.Requests.Count);
        Assert.Single(grafana.Requests);
    }

    [Fact]
    public async Task PermanentSlackError_IsRecordedOnTheRca_WithoutRetrying()
    {
        await using var slack = await Receiver.StartAsync(200, "{\"ok\":false,\"error\":\"channel_not_found\"}");
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?>
        {
            ["Klarsicht:Slack:BotToken"] = "xoxb-test-token-0123456789",
            ["Klarsicht:Slack:Channel"] = "C404",
            ["Klarsicht:Slack:ApiUrl"] = slack.Url("api"),
        });
        var client = app.CreateClient();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        var rca = await WaitAsync(client, id, r => r.Notifications.Any(n => n.Status == "failed"));
        var slackState = Assert.Single(rca.Notifications);
        Assert.Equal(1, slackState.Attempts);
        Assert.Contains("channel_not_found", slackState.LastError, StringComparison.Ordinal);
        Assert.Single(slack.Requests);
    }

    [Fact]
    public async Task ResolvedAlert_AfterTheRcaWasPosted_IsAReplyInItsSlackThread()
    {
        await using var slack = await Receiver.StartAsync(200, "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1789010123.456789\"}");
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?>
        {
            ["Klarsicht:Slack:BotToken"] = "xoxb-test-token-0123456789",
            ["Klarsicht:Slack:Channel"] = "C1",
            ["Klarsicht:Slack:ApiUrl"] = slack.Url("api"),
        });
        var client = app.CreateClient();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        await WaitAsync(client, id, r => r.Notifications.Any(n => n.Status == "sent"));

        await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-resolved.json")));
        var until = DateTime.UtcNow.AddSeconds(20);
        while (slack.Requests.Count < 2 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, slack.Requests.Count);
        var reply = JsonNode.Parse(slack.Requests[1].Body)!;
        Assert.Equal("1789010123.456789", (string?)reply["thread_ts"]);
        Assert.Equal("C1", (string?)reply["channel"]);
        Assert.Equal("resolved", (await client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{id}", KlarsichtApp.Json))!.Alert!.Status);
    }

    [Fact]
    public async Task Restart_WithAMessageStillQueued_SendsItOnce_AndNothingAlreadySentAgain()
    {
        // Host A completes two RCAs; Slack is down, so their messages stay queued for retry.
        var kube = await Klarsicht.FakeKube.Hosting.FakeKubeServer.StartAsync(new Klarsicht.FakeKube.Hosting.FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus")], Offset = TimeSpan.Zero });
        var down = Klarsicht.Testing.Prometheus.PrometheusStub.DownUrl().ToString();
        var settings = new Dictionary<string, string?>
        {
            ["Klarsicht:Slack:BotToken"] = "xoxb-test-token-0123456789",
            ["Klarsicht:Slack:Channel"] = "C1",
            ["Klarsicht:Slack:ApiUrl"] = down,
        };
        var first = await KlarsichtApp.StartAsync(settings, kube: kube);
        var client = first.CreateClient();
        var crash = (await (await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")))).Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations[0].Id;
        var manual = (await (await client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1", pod = "checkout-worker-5b6c7d8e9f-q4w8z" })).Content.ReadFromJsonAsync<InvestigationCreated>(KlarsichtApp.Json))!.Id;
        await WaitAsync(client, crash, r => r.Notifications.Any(n => n.Attempts >= 1 && n.LastError is not null));
        await WaitAsync(client, manual, r => r.Notifications.Any(n => n.Attempts >= 1 && n.LastError is not null));
        var directory = first.DataDirectory;
        await ((Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>)first).DisposeAsync();

        // Host B on the same database, with Slack back: each queued message is sent exactly once.
        await using var slack = await Receiver.StartAsync(200, "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.0\"}");
        settings["Klarsicht:Slack:ApiUrl"] = slack.Url("api");
        await using var second = await KlarsichtApp.StartAsync(settings, dataDirectory: directory, kube: kube);
        var secondClient = second.CreateClient();
        await WaitAsync(secondClient, crash, r => r.Notifications.All(n => n.Status == "sent"));
        await WaitAsync(secondClient, manual, r => r.Notifications.All(n => n.Status == "sent"));
        await Task.Delay(2500);
        Assert.Equal(2, slack.Requests.Count);
        Assert.Equal(2, slack.Requests.Select(r => JsonNode.Parse(r.Body)!["text"]!.GetValue<string>()).Distinct().Count());
    }

    private static async Task<Rca> WaitAsync(HttpClient client, string id, Func<Rca, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rca = (await client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{id}", KlarsichtApp.Json))!;
            if (done(rca) || DateTime.UtcNow > until)
            {
                Assert.True(done(rca), $"timed out; notifications: {string.Join(", ", rca.Notifications)}");
                return rca;
            }

            await Task.Delay(100);
        }
    }
}
