using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Klarsicht.Api.Tests.Infrastructure;

namespace Klarsicht.Api.Tests.Webhooks;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string Token = "webhook-token-0123456789abcdef";
    private const string Secret = "grafana-hmac-secret-0123456789";
    private KlarsichtApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await KlarsichtApp.StartAsync(new Dictionary<string, string?>
        {
            ["Klarsicht:Webhooks:Tokens:0"] = Token,
            ["Klarsicht:Webhooks:BasicUsername"] = "alertmanager",
            ["Klarsicht:Webhooks:BasicPassword"] = "basic-password-123",
            ["Klarsicht:Webhooks:GrafanaHmacSecret"] = Secret,
            ["Klarsicht:Api:Tokens:0"] = "read-token-0123456789abcdef",
        });
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Webhook_WithoutCredentials_Returns401()
    {
        var response = await _client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        await IntakeTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, null);
    }

    [Theory]
    [InlineData("Bearer " + Token, HttpStatusCode.Accepted)]
    [InlineData("Bearer wrong-token-0123456789abcdef", HttpStatusCode.Unauthorized)]
    [InlineData("Basic YWxlcnRtYW5hZ2VyOmJhc2ljLXBhc3N3b3JkLTEyMw==", HttpStatusCode.Accepted)]
    [InlineData("Basic YWxlcnRtYW5hZ2VyOndyb25n", HttpStatusCode.Unauthorized)]
    [InlineData("Basic !!!not-base64", HttpStatusCode.Unauthorized)]
    public async Task Webhook_BearerAndBasic(string authorization, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/alertmanager") { Content = KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await _client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task GrafanaWebhook_HmacOverTheRawBody_IsAccepted_AndATamperedBodyIsNot()
    {
        var body = KlarsichtApp.Payload("grafana-firing.json");
        var signature = Sign(Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.Accepted, (await PostSignedAsync(body, signature, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignedAsync(body + " ", signature, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignedAsync(body, "00" + signature[2..], null)).StatusCode);
    }

    [Fact]
    public async Task GrafanaWebhook_HmacWithTimestamp_IsAccepted_ThenRefusedWhenReplayed()
    {
        var body = KlarsichtApp.Payload("grafana-firing.json");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Sign(Encoding.UTF8.GetBytes($"{ts}:{body}"));
        Assert.Equal(HttpStatusCode.Accepted, (await PostSignedAsync(body, signature, ts)).StatusCode);
        var replay = await PostSignedAsync(body, signature, ts);
        await IntakeTests.AssertProblemAsync(replay, HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task GrafanaWebhook_TimestampOutsideTheWindow_Returns401()
    {
        var body = KlarsichtApp.Payload("grafana-firing.json");
        var ts = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignedAsync(body, Sign(Encoding.UTF8.GetBytes($"{ts}:{body}")), ts)).StatusCode);
    }

    [Fact]
    public async Task AlertmanagerEndpoint_DoesNotTakeGrafanaSignatures()
    {
        var body = KlarsichtApp.Payload("alertmanager-crashloop.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/alertmanager") { Content = KlarsichtApp.JsonBody(body) };
        request.Headers.Add("X-Grafana-Alerting-Signature", Sign(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task ReadApi_WithTokensConfigured_RequiresAValidBearerToken()
    {
        await IntakeTests.AssertProblemAsync(await _client.GetAsync("/api/v1/rcas"), HttpStatusCode.Unauthorized, null);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/rcas");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nope-nope-nope-nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/v1/rcas");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "read-token-0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(right)).StatusCode);
    }

    private async Task<HttpResponseMessage> PostSignedAsync(string body, string signature, string? timestamp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/grafana") { Content = KlarsichtApp.JsonBody(body) };
        request.Headers.Add("X-Grafana-Alerting-Signature", signature);
        if (timestamp is not null)
        {
            request.Headers.Add("X-Grafana-Alerting-Timestamp", timestamp);
        }

        return await _client.SendAsync(request);
    }

    private static string Sign(byte[] data) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), data));
}
