using System.Globalization;
using System.Runtime.InteropServices;
using Klarsicht.FakeKube.Hosting;

namespace Klarsicht.FakeKube;

/// <summary>
/// <c>dotnet run --project tests/Klarsicht.FakeKube -- --corpus DIR [--corpus DIR2] [--port 6443] [--latency-ms 20]
/// [--kubeconfig PATH] [--offset-seconds N]</c>: serves the corpora until Ctrl+C.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Klarsicht.FakeKube --corpus DIR [--corpus DIR2 ...] [--port 6443] [--latency-ms 20] [--kubeconfig PATH] [--offset-seconds N]";

    public static async Task<int> Main(string[] args)
    {
        var corpora = new List<string>();
        var port = 0;
        var latencyMs = 0;
        string? kubeconfig = null;
        TimeSpan? offset = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--corpus":
                        corpora.Add(Value());
                        break;
                    case "--port":
                        port = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--latency-ms":
                        latencyMs = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--kubeconfig":
                        kubeconfig = Value();
                        break;
                    case "--offset-seconds":
                        offset = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
                        break;
                    case "-h" or "--help":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        throw new ArgumentException($"unknown argument {args[i]}");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                await Console.Error.WriteLineAsync($"{ex.Message}\n{Usage}");
                return 2;
            }
        }

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions
        {
            CorpusDirectories = corpora,
            Port = port,
            Latency = TimeSpan.FromMilliseconds(latencyMs),
            Offset = offset,
        }, stop.Token);

        Console.WriteLine($"fake Kubernetes API listening on {server.BaseUrl} ({server.Scenarios.Count} scenarios)");
        if (kubeconfig is not null)
        {
            server.WriteKubeconfig(kubeconfig);
            Console.WriteLine($"kubeconfig written to {kubeconfig}: export KUBECONFIG={Path.GetFullPath(kubeconfig)}");
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: stop serving.
        }

        return 0;
    }
}
