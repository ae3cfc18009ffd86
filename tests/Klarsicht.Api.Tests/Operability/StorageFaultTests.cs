using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Api.Tests.Operability;

public sealed class StorageFaultTests
{
    [Fact]
    public async Task DatabaseLockedByAnotherWriter_WebhookWaitsAndAcknowledgesOnlyOnceDurable()
    {
        await using var app = await KlarsichtApp.StartAsync();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        // Another process holds SQLite's write lock (SQLITE_BUSY for everyone else) for two seconds.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "klarsicht.db")}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var release = Task.Run(async () =>
        {
            await Task.Delay(2000);
            await using var commit = blocker.CreateCommand();
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        });
        var clock = Stopwatch.StartNew();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        await release;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), "the 202 must wait for the commit, not precede it");
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        Assert.Equal(RcaStatus.Completed, (await app.WaitForRcaAsync(client, id)).Status);
    }
}
