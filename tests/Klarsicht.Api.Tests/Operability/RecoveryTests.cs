using System.Net.Http.Json;
using Dapper;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.Storage.Tests;
using Npgsql;

namespace Klarsicht.Api.Tests.Operability;

public sealed class RecoveryTests
{
    [Fact]
    public async Task HostStoppedMidInvestigation_NewHostOnTheSameDatabase_FinishesIt()
    {
        var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus")], Offset = TimeSpan.Zero });
        kube.Latency = TimeSpan.FromSeconds(3);
        var first = await KlarsichtApp.StartAsync(kube: kube);
        var directory = first.DataDirectory;
        var client = first.CreateClient();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        Rca? rca;
        do
        {
            await Task.Delay(50);
            rca = await client.GetFromJsonAsync<Rca>($"/api/v1/rcas/{id}", KlarsichtApp.Json);
        }
        while (rca!.Status == RcaStatus.Pending);

        Assert.Equal(RcaStatus.Running, rca.Status);
        await StopWithoutDisposingKubeAsync(first);

        kube.Latency = TimeSpan.Zero;
        await using var second = await KlarsichtApp.StartAsync(dataDirectory: directory, kube: kube);
        var finished = await second.WaitForRcaAsync(second.CreateClient(), id);
        Assert.Equal(RcaStatus.Completed, finished.Status);
        Assert.NotNull(finished.RootCause);
    }

    [Fact]
    public async Task TwoHostsOnOnePostgres_InvestigateEachAlertOnce()
    {
        var (_, connectionString) = TestDatabases.Postgres();
        var settings = new Dictionary<string, string?>
        {
            ["Klarsicht:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Klarsicht"] = connectionString,
        };
        var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus")], Offset = TimeSpan.Zero });
        kube.Latency = TimeSpan.FromMilliseconds(20);
        var a = await KlarsichtApp.StartAsync(settings, kube: kube);
        await using var b = await KlarsichtApp.StartAsync(settings, kube: kube);
        var clients = new[] { a.CreateClient(), b.CreateClient() };
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var response = await clients[i % 2].PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1", pod = "checkout-api-6d8f7c9b5-x7k2p" });
            ids.Add((await response.Content.ReadFromJsonAsync<InvestigationCreated>(KlarsichtApp.Json))!.Id);
        }

        foreach (var id in ids)
        {
            Assert.Equal(RcaStatus.Completed, (await a.WaitForRcaAsync(clients[0], id)).Status);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        var attempts = (await connection.QueryAsync<(string Id, int Attempts, string? Owner)>("SELECT id, attempts, lease_owner FROM investigations")).ToList();
        Assert.Equal(30, attempts.Count);
        Assert.All(attempts, r => Assert.Equal(1, r.Attempts));
        await StopWithoutDisposingKubeAsync(a);
        await kube.DisposeAsync();
    }

    // Stops the host the way a crash or rollout would, keeping the shared fake API alive for the next host.
    private static async Task StopWithoutDisposingKubeAsync(KlarsichtApp app)
    {
        await ((Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>)app).DisposeAsync();
    }
}
