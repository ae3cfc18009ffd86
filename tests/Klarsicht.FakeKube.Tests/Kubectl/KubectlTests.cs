using System.Diagnostics;
using System.Text.Json;
using Klarsicht.FakeKube.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Klarsicht.FakeKube.Tests.Kubectl;

/// <summary>kubectl, when installed, reads the fake through a kubeconfig the server wrote.</summary>
public sealed class KubectlTests(FakeKubeFixture fixture, ITestOutputHelper output) : IClassFixture<FakeKubeFixture>
{
    [Fact]
    public async Task Kubectl_GetPodsAsJson_ListsTheNamespacesPods()
    {
        if (FindKubectl() is not { } kubectl)
        {
            output.WriteLine("kubectl is not on the PATH: skipped.");
            return;
        }

        var (exitCode, stdout, stderr) = await RunAsync(kubectl, "get", "pods", "-n", TestCorpus.ShopNamespace, "-o", "json");

        Assert.True(exitCode == 0, $"kubectl exited {exitCode}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var names = json.RootElement.GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("metadata").GetProperty("name").GetString())
            .ToList();
        Assert.Equal([TestCorpus.CrashingPod, TestCorpus.WorkerPod], names);
    }

    [Fact]
    public async Task Kubectl_LogsPrevious_PrintsTheLastTerminatedInstance()
    {
        if (FindKubectl() is not { } kubectl)
        {
            output.WriteLine("kubectl is not on the PATH: skipped.");
            return;
        }

        var (exitCode, stdout, stderr) = await RunAsync(kubectl, "logs", TestCorpus.CrashingPod, "-n", TestCorpus.ShopNamespace, "-c", "api", "--previous");

        Assert.True(exitCode == 0, $"kubectl exited {exitCode}: {stderr}");
        Assert.Contains("java.lang.OutOfMemoryError: Java heap space", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_LogsOfNeverStartedContainer_ReportsTheServersMessage()
    {
        if (FindKubectl() is not { } kubectl)
        {
            output.WriteLine("kubectl is not on the PATH: skipped.");
            return;
        }

        var (exitCode, _, stderr) = await RunAsync(kubectl, "logs", TestCorpus.MultiContainerPod, "-n", TestCorpus.BatchNamespace, "-c", "api");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("is waiting to start: trying and failing to pull image", stderr, StringComparison.Ordinal);
    }

    private static string? FindKubectl()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "kubectl.exe" } : ["kubectl"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string kubectl, params string[] args)
    {
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(fixture.KubeconfigPath);
        start.ArgumentList.Add("--request-timeout=20s");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A private cache directory, so no discovery cache from another cluster (or another run) is reused.
        start.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetTempPath(), $"fakekube-kubectl-cache-{Guid.NewGuid():N}");
        start.Environment.Remove("KUBECONFIG");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var result = (process.ExitCode, await stdout, await stderr);
        output.WriteLine($"kubectl {string.Join(' ', args)} → exit {result.ExitCode}\nstderr: {result.Item3}");
        return result;
    }
}
