using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.Testing.Hosting;

namespace Klarsicht.Api.Tests.Operability;

/// <summary>The real service as a child process (ChildService), killed with SIGKILL in the middle of a burst of requests.</summary>
public sealed class KillTests
{
    [Fact]
    public async Task ProcessKilledMidBurst_EveryAcknowledgedRequestIsInvestigatedAfterRestart()
    {
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus")], Offset = TimeSpan.Zero });
        kube.Latency = TimeSpan.FromMilliseconds(30);
        var directory = Directory.CreateTempSubdirectory("klarsicht-kill-").FullName;
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        kube.WriteKubeconfig(kubeconfig);

        var acknowledged = new ConcurrentBag<string>();
        await using (var first = await StartAsync(directory, kubeconfig))
        {
            using var client = new HttpClient { BaseAddress = first.BaseUrl };
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var response = await client.PostAsJsonAsync("/api/v1/investigations", new { @namespace = "shop-t1", pod = "checkout-api-6d8f7c9b5-x7k2p" }, stop.Token);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged.Add((await response.Content.ReadFromJsonAsync<InvestigationCreated>(cancellationToken: stop.Token))!.Id);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // The process is gone: requests in flight were never acknowledged.
                    }
                }
            })).ToList();

            while (acknowledged.Count < 60)
            {
                await Task.Delay(10);
            }

            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        await using var second = await StartAsync(directory, kubeconfig);
        using var reader = new HttpClient { BaseAddress = second.BaseUrl };
        var until = DateTime.UtcNow.AddSeconds(90);
        foreach (var id in acknowledged)
        {
            Rca? rca;
            do
            {
                var response = await reader.GetAsync($"/api/v1/rcas/{id}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                rca = await response.Content.ReadFromJsonAsync<Rca>();
                if (rca!.Status != RcaStatus.Completed)
                {
                    await Task.Delay(50);
                }
            }
            while (rca.Status != RcaStatus.Completed && DateTime.UtcNow < until);

            Assert.Equal(RcaStatus.Completed, rca.Status);
            Assert.NotNull(rca.RootCause);
        }

        Assert.Equal(acknowledged.Count, acknowledged.Distinct().Count());
    }

    private static async Task<ChildService> StartAsync(string directory, string kubeconfig)
    {
        var service = ChildService.Start(new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = kubeconfig,
            ["ConnectionStrings__Klarsicht"] = $"Data Source={Path.Combine(directory, "klarsicht.db")}",
            ["Klarsicht__Investigations__Concurrency"] = "2",
            ["Klarsicht__Investigations__PollInterval"] = "00:00:00.100",
        });
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return service;
    }
}
