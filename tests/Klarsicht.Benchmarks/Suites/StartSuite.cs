using Klarsicht.Testing.Hosting;
using Klarsicht.Benchmarks.Infrastructure;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Benchmarks.Suites;

/// <summary>Process start to /readyz 200 with an existing database, the built Release dll as a child process.</summary>
public static class StartSuite
{
    public static async Task RunAsync(int runs, BenchStorage storage)
    {
        Stats.Header($"start: process start -> /readyz 200, existing {storage.Name} database, {runs} runs");
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions());
        var data = Directory.CreateTempSubdirectory("klarsicht-start-").FullName;
        var kubeconfig = Path.Combine(data, "kubeconfig");
        kube.WriteKubeconfig(kubeconfig);
        var environment = new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = kubeconfig,
        };
        foreach (var (key, value) in storage.Environment(storage.NewDatabase(data)))
        {
            environment[key] = value;
        }

        Console.WriteLine($"dll: {ChildService.Dll()}");

        // The first start creates and migrates the database; it is not counted.
        await using (var first = ChildService.Start(environment))
        {
            Console.WriteLine($"first start (creates the database, not counted): {(await first.WaitReadyAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds:0} ms");
        }

        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await using var child = ChildService.Start(environment);
            var listening = (await child.WaitHealthyAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds;
            times.Add((await child.WaitReadyAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds);
            Console.WriteLine($"run {i + 1}: {times[^1]:0} ms to /readyz 200 ({listening:0} ms to the first /healthz 200, then {times[^1] - listening:0} ms for the first /readyz: store construction with the DbUp migration check, storage ping, Kubernetes version call), working set at ready {Stats.Mb(child.WorkingSet)}");
        }

        var p = Percentiles.Of(times);
        Console.WriteLine($"start to ready: median {p.P50:0} ms, min {times.Min():0} ms, max {p.Max:0} ms (target <= 1500 ms)");
    }
}
