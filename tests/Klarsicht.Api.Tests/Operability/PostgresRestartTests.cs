using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.Testing.Postgres;
using Npgsql;

namespace Klarsicht.Api.Tests.Operability;

/// <summary>
/// The service on its own PostgreSQL, which crashes (immediate stop) in the middle of a stream of Alertmanager
/// deliveries and comes back two seconds later.
/// </summary>
public sealed class PostgresRestartTests
{
    private const int Senders = 4;

    [Fact]
    public async Task PostgresCrashesMidStream_WebhooksAnswer202Or503_AndEveryAlertIsKeptOnceRetried()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?>
        {
            ["Klarsicht:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Klarsicht"] = postgres.ConnectionString,
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        var acknowledged = new ConcurrentDictionary<string, string>();
        var refused = new ConcurrentQueue<(string Fingerprint, string Body)>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var next = 0;
        using var stop = new CancellationTokenSource();

        async Task<HttpStatusCode> DeliverAsync(string fingerprint, string body)
        {
            using var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(body));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var intake = await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json);
                acknowledged[fingerprint] = Assert.Single(intake!.Investigations).Id;
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                // Alertmanager retries a 5xx; the service says when.
                Assert.True(response.Headers.RetryAfter is not null, "a 503 must carry Retry-After");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            return response.StatusCode;
        }

        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var fingerprint = $"pgrestart{Interlocked.Increment(ref next):D6}";
                var body = KlarsichtApp.AlertmanagerDelivery(fingerprint);
                var status = await DeliverAsync(fingerprint, body);
                statuses.Add(status);
                if (status != HttpStatusCode.Accepted)
                {
                    refused.Enqueue((fingerprint, body));
                }

                await Task.Delay(5);
            }
        })).ToList();

        await WaitUntilAsync(() => acknowledged.Count >= 40);
        await postgres.CrashAsync();
        await WaitUntilAsync(() => refused.Count >= 5);
        var readyWhileDown = (await client.GetAsync("/readyz")).StatusCode;
        await Task.Delay(2000);
        await postgres.StartServerAsync();
        var before = acknowledged.Count;
        await WaitUntilAsync(() => acknowledged.Count >= before + 40);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        // Every status was a 202 or a 503: no 500, no lost request.
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDown);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        // Alertmanager's retries of the refused deliveries are now accepted.
        while (refused.TryDequeue(out var retry))
        {
            Assert.Equal(HttpStatusCode.Accepted, await DeliverAsync(retry.Fingerprint, retry.Body));
        }

        // Every delivery is stored once, in an investigation that completes with one RCA.
        foreach (var id in acknowledged.Values.Distinct())
        {
            var rca = await app.WaitForRcaAsync(client, id, TimeSpan.FromSeconds(60));
            Assert.Equal(RcaStatus.Completed, rca.Status);
            Assert.NotNull(rca.RootCause);
        }

        // Not from the pool: connections pooled before the crash (the migration's) are dead.
        await using var connection = new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false");
        var stored = (await connection.QueryAsync<(string Fingerprint, string InvestigationId)>("SELECT fingerprint, investigation_id FROM alerts")).ToList();
        Assert.Equal(next, statuses.Count);
        Assert.Equal(next, acknowledged.Count);
        Assert.Equal(next, stored.Count);
        Assert.All(stored, row => Assert.Equal(acknowledged[row.Fingerprint], row.InvestigationId));
        Assert.True(statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) >= 5);

        // Investigated once: an RCA finished during the outage is written when storage returns, not redone or failed.
        var investigations = (await connection.QueryAsync<(string Status, int Attempts)>("SELECT status, attempts FROM investigations")).ToList();
        Assert.Equal(acknowledged.Values.Distinct().Count(), investigations.Count);
        Assert.All(investigations, i => Assert.Equal(("completed", 1), (i.Status, i.Attempts)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(10);
        }
    }
}
