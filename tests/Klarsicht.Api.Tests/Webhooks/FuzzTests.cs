using System.Diagnostics;
using System.Net;
using System.Text;
using Klarsicht.Api.Tests.Infrastructure;

namespace Klarsicht.Api.Tests.Webhooks;

/// <summary>Bad input at volume: malformed, truncated, oversized, wrongly typed and deeply nested bodies.</summary>
public sealed class FuzzTests
{
    private static readonly string[] Endpoints = ["/api/v1/webhooks/alertmanager", "/api/v1/webhooks/grafana", "/alert", "/api/v1/investigations"];

    [Fact]
    public async Task TenThousandMalformedBodies_NeverGetA5xx_AndDoNotGrowMemory()
    {
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?> { ["Klarsicht:Webhooks:MaxBodyBytes"] = "65536" });
        using var client = app.CreateClient();
        var seeds = new[]
        {
            KlarsichtApp.Payload("alertmanager-crashloop.json"),
            KlarsichtApp.Payload("grafana-firing.json"),
            "{\"namespace\":\"shop-t1\",\"pod\":\"checkout-api-6d8f7c9b5-x7k2p\"}",
        };
        var random = new Random(20261125);
        var statuses = new Dictionary<HttpStatusCode, int>();
        long? baseline = null;
        const int Total = 10_000;
        for (var i = 0; i < Total; i++)
        {
            var body = Mutate(seeds[random.Next(seeds.Length)], random);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(random.Next(20) == 0 ? "text/plain" : "application/json");
            using var response = await client.PostAsync(Endpoints[i % Endpoints.Length], content);
            Assert.True((int)response.StatusCode < 500, $"body #{i} got {(int)response.StatusCode}: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            if (i == 2_000)
            {
                baseline = WorkingSetAfterGc();
            }
        }

        var after = WorkingSetAfterGc();
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > Total / 4, string.Join(", ", statuses));
        // Generous bound: the store grows with accepted alerts; a leak per request would be far larger.
        Assert.True(after - baseline!.Value < 150L * 1024 * 1024, $"working set grew from {baseline / 1048576} MiB to {after / 1048576} MiB");
    }

    private static long WorkingSetAfterGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Process.GetCurrentProcess().WorkingSet64;
    }

    private static byte[] Mutate(string seed, Random random)
    {
        switch (random.Next(9))
        {
            case 0:
                return Encoding.UTF8.GetBytes(seed[..random.Next(seed.Length)]);
            case 1:
            {
                var depth = random.Next(10, 5000);
                return Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
            }

            case 2:
                return Encoding.UTF8.GetBytes("{\"version\":\"4\",\"alerts\":[" + new string('{', random.Next(1, 200)) + "}");
            case 3:
                return Encoding.UTF8.GetBytes(seed.Replace("\"labels\": {", "\"labels\": [", StringComparison.Ordinal).Replace("\"labels\":{", "\"labels\":[", StringComparison.Ordinal));
            case 4:
                return Encoding.UTF8.GetBytes(seed.Replace("\"4\"", "4", StringComparison.Ordinal).Replace("\"firing\"", "true", StringComparison.Ordinal).Replace("Z\"", "nonsense\"", StringComparison.Ordinal));
            case 5:
                return Encoding.UTF8.GetBytes("{\"version\":\"4\",\"receiver\":\"" + new string('x', random.Next(60_000, 90_000)) + "\"}");
            case 6:
            {
                var bytes = Encoding.UTF8.GetBytes(seed);
                for (var k = 0; k < 1 + random.Next(20); k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            }

            case 7:
                return Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "null", 1 => "[]", 2 => "\"string\"", _ => "12345" });
            default:
                return Encoding.UTF8.GetBytes(seed.Replace("\"alerts\"", "\"alerts\":null,\"x\"", StringComparison.Ordinal));
        }
    }
}
