using System.Diagnostics;
using System.Text;
using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Collection;
using Klarsicht.Testing.Prometheus;
using Microsoft.Extensions.Options;

namespace Klarsicht.Prometheus.Tests;

/// <summary>A Prometheus that is down, slow, failing or picky: every failure is a gap, never an exception.</summary>
public sealed class FaultTests
{
    private const string Token = "s3cr3t-b34r3r-t0k3n";
    private const string Password = "hunter2-p4ssw0rd";

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly MetricSubject Subject = new("shop", "api-1", "api", "worker-1", [Now.AddMinutes(-2)]);

    [Fact]
    public async Task PrometheusDown_RecordsOneUnreachableGap_AndThrowsNothing()
    {
        var url = PrometheusStub.DownUrl();
        using var collectors = Collectors.For(url);

        var result = await collectors.Collector.CollectAsync([Subject, Subject with { Pod = "api-2" }], Now.AddMinutes(-30), Now, default);

        Assert.Empty(result.Facts);
        var gap = Assert.Single(result.Gaps);
        Assert.Equal($"metrics: Prometheus unreachable at {url.ToString().TrimEnd('/')}/: connection refused", gap);
    }

    [Fact]
    public async Task SlowPrometheus_RecordsATimeoutGap_WithinTheDeadline()
    {
        await using var stub = await PrometheusStub.SlowAsync(TimeSpan.FromSeconds(30));
        using var collectors = Collectors.For(stub.BaseUrl, ("QueryTimeout", "00:00:00.5"));

        var clock = Stopwatch.StartNew();
        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.Empty(result.Facts);
        var gap = Assert.Single(result.Gaps);
        Assert.StartsWith("metrics: Prometheus query timed out after 500ms (memory working set, ", gap, StringComparison.Ordinal);
        // Eleven queries in slots of eight: two rounds of the deadline, far from the stub's 30 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("bad_data", 400)]
    [InlineData("execution", 422)]
    [InlineData("timeout", 503)]
    [InlineData("canceled", 499)]
    [InlineData("internal", 500)]
    [InlineData("unavailable", 500)]
    [InlineData("not_found", 404)]
    [InlineData("not_acceptable", 406)]
    public async Task ErrorEnvelope_RecordsAGapNamingTheErrorType(string errorType, int status)
    {
        await using var stub = await PrometheusStub.ErrorAsync(errorType, status, "query processing would load too many samples");
        using var collectors = Collectors.For(stub.BaseUrl);

        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.Empty(result.Facts);
        var gap = Assert.Single(result.Gaps);
        Assert.StartsWith($"metrics: Prometheus query failed with {errorType} (HTTP {status}): query processing would load too many samples (", gap, StringComparison.Ordinal);
        Assert.EndsWith("and 8 more)", gap, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlBadGateway_RecordsAGap_WithoutTheMarkup()
    {
        await using var stub = await PrometheusStub.HtmlAsync(502, "502 Bad Gateway");
        using var collectors = Collectors.For(stub.BaseUrl);

        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        var gap = Assert.Single(result.Gaps);
        Assert.StartsWith("metrics: Prometheus answered HTTP 502 Bad Gateway without a Prometheus error: 502 Bad Gateway 502 Bad Gateway nginx (", gap, StringComparison.Ordinal);
        Assert.DoesNotContain("<", gap, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessWithAnUnreadableBody_RecordsAGap()
    {
        await using var stub = await PrometheusStub.StartAsync(context => PrometheusStub.WriteAsync(context, 200, "text/html", "<html>login</html>"));
        using var collectors = Collectors.For(stub.BaseUrl);

        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.StartsWith("metrics: Prometheus answered HTTP 200 with a body that is not a Prometheus response (", Assert.Single(result.Gaps), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPathPrefix_RecordsAGapThatPointsAtTheUrl()
    {
        await using var stub = await PrometheusStub.StartAsync(context => PrometheusStub.WriteAsync(context, 404, "text/plain", "404 page not found"));
        using var collectors = Collectors.For(stub.BaseUrl);

        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.Contains("check that Klarsicht:Prometheus:Url is the API base", Assert.Single(result.Gaps), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unconfigured_IsNotConfigured_AndCollectsNothing()
    {
        using var collectors = Collectors.For(null);

        Assert.False(collectors.Collector.IsConfigured);
        Assert.IsType<UnconfiguredMetricsCollector>(collectors.Collector);
        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);
        Assert.Same(MetricsResult.Empty, result);
    }

    [Fact]
    public async Task BearerToken_IsSentInTheAuthorizationHeader()
    {
        await using var stub = await PrometheusStub.EmptyAsync();
        using var collectors = Collectors.For(stub.BaseUrl, ("BearerToken", Token));

        var result = await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.True(collectors.Collector.IsConfigured);
        Assert.True(result.Gaps.Count == 0, string.Join("\n", result.Gaps));
        Assert.NotEmpty(stub.Requests);
        Assert.All(stub.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
    }

    [Fact]
    public async Task BasicAuth_IsSentInTheAuthorizationHeader()
    {
        await using var stub = await PrometheusStub.EmptyAsync();
        using var collectors = Collectors.For(stub.BaseUrl, ("Username", "klarsicht"), ("Password", Password));

        await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"klarsicht:{Password}"));
        Assert.NotEmpty(stub.Requests);
        Assert.All(stub.Requests, r => Assert.Equal(expected, r.Authorization));
    }

    [Fact]
    public async Task Queries_ArePostedAsForms_UnderThePathPrefix()
    {
        await using var stub = await PrometheusStub.EmptyAsync("prometheus");
        using var collectors = Collectors.For(stub.BaseUrl);

        await collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default);

        Assert.EndsWith("/prometheus/", stub.BaseUrl.ToString(), StringComparison.Ordinal);
        Assert.All(stub.Requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.StartsWith("application/x-www-form-urlencoded", r.ContentType, StringComparison.Ordinal);
            Assert.Contains(r.Path, new[] { "/prometheus/api/v1/query", "/prometheus/api/v1/query_range" });
            Assert.Null(r.Authorization);
        });
        var range = stub.Requests.First(r => r.Path.EndsWith("query_range", StringComparison.Ordinal) && r.Form["query"].Contains("working_set", StringComparison.Ordinal));
        Assert.Equal(PromQl.MemoryWorkingSet("shop", "api-1", TimeSpan.FromSeconds(15)), range.Form["query"]);
        Assert.Equal(Now.AddMinutes(-30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), range.Form["start"]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), range.Form["end"]);
        Assert.Equal("15s", range.Form["step"]);
        Assert.Equal("3s", range.Form["timeout"]);
        var nodeQueries = stub.Requests.Where(r => r.Form["query"].Contains("worker-1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, nodeQueries.Count);
    }

    [Fact]
    public async Task LongWindow_UsesAStepThatKeepsEveryRangeQueryUnder11000Points()
    {
        await using var stub = await PrometheusStub.EmptyAsync();
        using var collectors = Collectors.For(stub.BaseUrl);

        await collectors.Collector.CollectAsync([Subject], Now.AddDays(-30), Now, default);

        var ranges = stub.Requests.Where(r => r.Path.EndsWith("query_range", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ranges);
        Assert.All(ranges, r =>
        {
            Assert.Equal("260s", r.Form["step"]);
            var points = ((long.Parse(r.Form["end"], System.Globalization.CultureInfo.InvariantCulture) - long.Parse(r.Form["start"], System.Globalization.CultureInfo.InvariantCulture)) / 260) + 1;
            Assert.True(points <= 11_000, $"{points} points");
        });
    }

    [Theory]
    [InlineData(60, 15)]
    [InlineData(3600, 15)]
    [InlineData(150_000, 15)]
    [InlineData(150_001, 16)]
    [InlineData(30 * 86_400, 260)]
    [InlineData(365 * 86_400, 3154)]
    public void StepRule_IsAtLeast15s_AndAtMostTenThousandStepsPerWindow(int windowSeconds, int stepSeconds)
    {
        var window = new QueryWindow(Now.AddSeconds(-windowSeconds), Now);

        Assert.Equal(TimeSpan.FromSeconds(stepSeconds), window.Step);
        Assert.True(window.Points <= 11_000);
    }

    [Fact]
    public async Task Secrets_NeverAppearInGaps_EvenWhenTheServerEchoesThem()
    {
        await using var stub = await PrometheusStub.StartAsync(context => PrometheusStub.WriteAsync(context, 400, "application/json",
            $$"""{"status":"error","errorType":"bad_data","error":"rejected header {{context.Request.Headers.Authorization}}"}"""));
        using var bearer = Collectors.For(stub.BaseUrl, ("BearerToken", Token));
        using var down = Collectors.For(PrometheusStub.DownUrl(), ("Username", "klarsicht"), ("Password", Password));

        var gaps = (await bearer.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default)).Gaps
            .Concat((await down.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, default)).Gaps)
            .ToList();

        Assert.Equal(2, gaps.Count);
        Assert.Contains("rejected header Bearer [redacted]", gaps[0], StringComparison.Ordinal);
        Assert.All(gaps, g =>
        {
            Assert.DoesNotContain(Token, g, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, g, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task CallerCancellation_IsNotAGap()
    {
        await using var stub = await PrometheusStub.SlowAsync(TimeSpan.FromSeconds(30));
        using var collectors = Collectors.For(stub.BaseUrl);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collectors.Collector.CollectAsync([Subject], Now.AddMinutes(-30), Now, cancel.Token));
    }

    [Theory]
    [InlineData("Url", "ftp://prometheus:21", "Klarsicht:Prometheus:Url must be an absolute http or https URL")]
    [InlineData("Url", "prometheus:9090/api", "Klarsicht:Prometheus:Url must be an absolute http or https URL")]
    [InlineData("BearerToken", Token, "Klarsicht:Prometheus:BearerToken and Klarsicht:Prometheus:Username/Password are both set")]
    [InlineData("QueryTimeout", "00:00:00", "Klarsicht:Prometheus:QueryTimeout must be between 0 and 2 minutes")]
    [InlineData("MaxConcurrentQueries", "0", "Klarsicht:Prometheus:MaxConcurrentQueries must be between 1 and 64")]
    [InlineData("CaFile", "/nonexistent/ca.pem", "Klarsicht:Prometheus:CaFile '/nonexistent/ca.pem' does not exist")]
    public void InvalidOptions_FailAtStartup_WithAClearMessage(string key, string value, string message)
    {
        (string, string)[] settings = key == "BearerToken"
            ? [(key, value), ("Username", "u"), ("Password", Password)]
            : [(key, value)];
        using var collectors = Collectors.For(key == "Url" ? null : new Uri("http://prometheus:9090"), settings);

        var error = Assert.Throws<OptionsValidationException>(collectors.ValidateOnStart);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }
}
