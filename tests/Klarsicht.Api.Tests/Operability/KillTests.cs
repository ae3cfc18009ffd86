using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Hosting;

namespace Klarsicht.Api.Tests.Operability;

/// <summary>The real service as a child process, killed with SIGKILL in the middle of a burst of requests.</summary>
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
        using (var first = await ServiceProcess.StartAsync(directory, kubeconfig))
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

        using var second = await ServiceProcess.StartAsync(directory, kubeconfig);
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

    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process _process;

        private ServiceProcess(Process process, Uri baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public Uri BaseUrl { get; }

        public static async Task<ServiceProcess> StartAsync(string directory, string kubeconfig)
        {
            var port = FreePort();
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Klarsicht.Api.dll"), "--urls", $"http://127.0.0.1:{port}"])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory,
            };
            info.Environment["KUBECONFIG"] = kubeconfig;
            info.Environment["ConnectionStrings__Klarsicht"] = $"Data Source={Path.Combine(directory, "klarsicht.db")}";
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            info.Environment["Klarsicht__Investigations__Concurrency"] = "2";
            info.Environment["Klarsicht__Investigations__PollInterval"] = "00:00:00.100";
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
            using var probe = new HttpClient { BaseAddress = service.BaseUrl };
            var until = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < until)
            {
                try
                {
                    if ((await probe.GetAsync("/readyz")).IsSuccessStatusCode)
                    {
                        return service;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            service.Dispose();
            throw new TimeoutException("the service did not become ready");
        }

        /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
        public void Kill() => _process.Kill(entireProcessTree: true);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
