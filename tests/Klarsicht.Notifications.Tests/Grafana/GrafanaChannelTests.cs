using Klarsicht.Testing.Http;
using System.Text.Json;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.Notifications.Tests.Grafana;

public sealed class GrafanaChannelTests
{
    /// <summary>Behaves like Grafana: bearer token required, text required, <c>{"message":"Annotation added","id":N}</c>.</summary>
    private static Task<Receiver> StartGrafanaAsync() =>
        Receiver.StartAsync(async (request, context) =>
        {
            context.Response.ContentType = "application/json";
            if (request.Header("Authorization") != $"Bearer {Channels.GrafanaToken}")
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("""{"message":"Unauthorized"}""");
                return;
            }

            var body = SlackReceivers.Parse(request.Body);
            if (!request.Path.EndsWith("/api/annotations", StringComparison.Ordinal)
                || body is not { ValueKind: JsonValueKind.Object } json
                || !json.TryGetProperty("text", out var text) || string.IsNullOrEmpty(text.GetString()))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("""{"message":"bad request"}""");
                return;
            }

            await context.Response.WriteAsync("""{"message":"Annotation added","id":17}""");
        });

    private static Microsoft.Extensions.DependencyInjection.ServiceProvider Grafana(string url, params (string, string?)[] extra) =>
        Channels.Build([
            ("Klarsicht:Grafana:Url", url),
            ("Klarsicht:Grafana:Token", Channels.GrafanaToken),
            .. extra,
        ]);

    [Fact]
    public async Task Annotation_WithDashboardAndPanel_PostsBearerTokenDashboardFieldsTimesTagsAndText()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Grafana(grafana.BaseUri.ToString(), ("Klarsicht:Grafana:OrgId", "3"));
        var request = Channels.Request(TestRcas.OutOfMemory()) with { DashboardUid = "k8s-pods", PanelId = 4 };

        var result = await services.Grafana().SendAsync(request, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("17", result.ThreadKey);
        var received = grafana.Single;
        Assert.Equal("POST", received.Method);
        Assert.Equal("/api/annotations", received.Path);
        Assert.Equal($"Bearer {Channels.GrafanaToken}", received.Header("Authorization"));
        Assert.Equal("3", received.Header("X-Grafana-Org-Id"));
        var body = received.Json();
        Assert.Equal("k8s-pods", body.GetProperty("dashboardUID").GetString());
        Assert.Equal(4, body.GetProperty("panelId").GetInt64());
        Assert.Equal(TestRcas.StartsAt.ToUnixTimeMilliseconds(), body.GetProperty("time").GetInt64());
        Assert.Equal(TestRcas.CompletedAt.ToUnixTimeMilliseconds(), body.GetProperty("timeEnd").GetInt64());
        Assert.Equal(["klarsicht", "out_of_memory", "shop", "KubePodCrashLooping"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var text = body.GetProperty("text").GetString()!;
        Assert.Contains("OOMKilled (exit 137)", text, StringComparison.Ordinal);
        Assert.Contains("Raise the memory limit to 512Mi", text, StringComparison.Ordinal);
        Assert.Contains("kubectl -n shop set resources", text, StringComparison.Ordinal);
        Assert.DoesNotContain("roll back to revision 6", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://klarsicht.example.com/api/v1/rcas/rca-42\">", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Channels.GrafanaToken, received.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotation_WithoutDashboard_IsOrganisationWide()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Grafana(grafana.BaseUri.ToString());
        var rca = TestRcas.OutOfMemory() with { CompletedAt = null };

        var result = await services.Grafana().SendAsync(Channels.Request(rca) with { PanelId = 4 }, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var received = grafana.Single;
        var body = received.Json();
        Assert.False(body.TryGetProperty("dashboardUID", out _));
        Assert.False(body.TryGetProperty("panelId", out _));
        Assert.False(body.TryGetProperty("dashboardId", out _));
        Assert.Null(received.Header("X-Grafana-Org-Id"));
        // Still running when posted: the region ends now, in milliseconds.
        var timeEnd = DateTimeOffset.FromUnixTimeMilliseconds(body.GetProperty("timeEnd").GetInt64());
        Assert.InRange(timeEnd, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Annotation_GrafanaUnderASubPath_KeepsThePath()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Grafana(grafana.Url("/grafana/"));

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("/grafana/api/annotations", grafana.Single.Path);
    }

    [Theory]
    [InlineData(401, """{"message":"Unauthorized"}""")]
    [InlineData(403, """{"message":"You'll need additional permissions to perform this action."}""")]
    [InlineData(400, """{"message":"Failed to save annotation"}""")]
    public async Task Annotation_ClientError_IsPermanent(int status, string body)
    {
        await using var grafana = await Receiver.StartAsync(status, body);
        await using var services = Grafana(grafana.BaseUri.ToString());

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotation_WrongToken_IsPermanent()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Channels.Build(
            ("Klarsicht:Grafana:Url", grafana.BaseUri.ToString()),
            ("Klarsicht:Grafana:Token", "glsa_wrongwrongwrongwrongwrong_00000000"));

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Equal("grafana: HTTP 401 Unauthorized", result.Error);
    }

    [Fact]
    public async Task Annotation_ServerError_IsRetryable()
    {
        await using var grafana = await Receiver.StartAsync(503, """{"message":"database is locked"}""");
        await using var services = Grafana(grafana.BaseUri.ToString());

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.Single(grafana.Requests);
    }

    [Fact]
    public async Task Annotation_GrafanaDown_IsRetryable()
    {
        await using var services = Grafana(Receiver.ClosedPortUrl());

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
    }

    [Fact]
    public async Task Annotation_GrafanaNeverAnswers_IsRetryableAfterTheConfiguredTimeout()
    {
        await using var grafana = await Receiver.StartSilentAsync();
        await using var services = Grafana(grafana.BaseUri.ToString(), ("Klarsicht:Grafana:Timeout", Channels.ShortTimeout));
        var started = TimeProvider.System.GetTimestamp();

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryableFailure, result.Outcome);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Annotation_PlantedSecretsAndMarkup_AreRedactedAndEscaped()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Grafana(grafana.BaseUri.ToString());
        var rca = TestRcas.WithPlantedSecrets() with
        {
            RootCause = TestRcas.WithPlantedSecrets().RootCause! with { Summary = $"<script>alert(1)</script> & {TestRcas.DbUrlSecret}" },
        };

        var result = await services.Grafana().SendAsync(Channels.Request(rca), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var body = grafana.Single.Body;
        foreach (var fragment in TestRcas.SecretFragments)
        {
            Assert.DoesNotContain(fragment, body, StringComparison.Ordinal);
        }

        var text = grafana.Single.Json().GetProperty("text").GetString()!;
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolved_IsSkippedBecauseTheRegionIsAlreadyThere()
    {
        await using var grafana = await StartGrafanaAsync();
        await using var services = Grafana(grafana.BaseUri.ToString());

        var result = await services.Grafana().SendAsync(Channels.Request(TestRcas.OutOfMemory(), NotificationKind.Resolved), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Skipped, result.Outcome);
        Assert.Empty(grafana.Requests);
    }

    [Fact]
    public async Task Unconfigured_ReportsNotConfiguredAndSkips()
    {
        await using var services = Channels.Build();

        var grafana = services.Grafana();

        Assert.False(grafana.IsConfigured);
        Assert.Equal(DeliveryOutcome.Skipped, (await grafana.SendAsync(Channels.Request(TestRcas.OutOfMemory()), CancellationToken.None)).Outcome);
    }
}
