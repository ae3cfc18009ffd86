using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.Testing.Prometheus;

/// <summary>
/// A real Prometheus on 127.0.0.1 whose TSDB is backfilled with scenario series (one corpus = one cluster):
/// the series are written as OpenMetrics, turned into blocks by <c>promtool tsdb create-blocks-from openmetrics</c>
/// and served by <c>prometheus</c> without scraping anything. Disposing kills it and deletes its directory.
/// </summary>
/// <example>
/// <code>
/// await using var prometheus = await PrometheusTestServer.StartAsync(scenarios, TimeSpan.Zero);
/// options.Url = prometheus.BaseUrl;
/// </code>
/// </example>
public sealed class PrometheusTestServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    // Test infrastructure polling a local process: one shared client, no factory to hand.
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Process _process;
    private readonly StringBuilder _output;

    private PrometheusTestServer(Process process, StringBuilder output, string directory, Uri baseUrl, long samples)
    {
        _process = process;
        _output = output;
        Directory = directory;
        BaseUrl = baseUrl;
        Samples = samples;
    }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Working directory: the OpenMetrics file, the TSDB and the configuration.</summary>
    public string Directory { get; }

    /// <summary>Samples backfilled.</summary>
    public long Samples { get; }

    /// <summary>What Prometheus printed so far (warnings and errors only), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Backfills the series of every scenario, shifted by <paramref name="offset"/> (wall clock minus <c>now</c> for a live replay).</summary>
    public static Task<PrometheusTestServer> StartAsync(IEnumerable<Scenario> scenarios, TimeSpan offset, CancellationToken cancellationToken = default) =>
        StartAsync(scenarios.SelectMany(s => s.Series), offset, cancellationToken);

    public static async Task<PrometheusTestServer> StartAsync(IEnumerable<ScenarioSeries> series, TimeSpan offset, CancellationToken cancellationToken = default)
    {
        var prometheus = PrometheusBinaries.Prometheus;
        var promtool = PrometheusBinaries.Promtool;
        var directory = Path.Combine(Path.GetTempPath(), $"klarsicht-prometheus-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            var data = Path.Combine(directory, "data");
            System.IO.Directory.CreateDirectory(data);
            var samples = await BackfillAsync(promtool, series, offset, directory, data, cancellationToken).ConfigureAwait(false);
            var config = Path.Combine(directory, "prometheus.yml");
            // No scrape configs: the TSDB holds only what was backfilled.
            await File.WriteAllTextAsync(config, "global:\n  evaluation_interval: 1h\n", cancellationToken).ConfigureAwait(false);

            // A free port can be taken between asking and listening; try again on another.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var output = new StringBuilder();
                var process = Start(prometheus, output,
                    $"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
                    "--storage.tsdb.retention.time=3650d", "--log.level=warn", "--log.format=logfmt");
                var server = new PrometheusTestServer(process, output, directory, new Uri($"http://127.0.0.1:{port}/"), samples);
                try
                {
                    await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("address already in use", StringComparison.Ordinal))
                {
                    await server.StopAsync().ConfigureAwait(false);
                }
                catch
                {
                    await server.StopAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        TryDelete(Directory);
    }

    /// <summary>A free loopback port, released again: nothing listens there.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<long> BackfillAsync(string promtool, IEnumerable<ScenarioSeries> series, TimeSpan offset, string directory, string data, CancellationToken cancellationToken)
    {
        var file = Path.Combine(directory, "series.om");
        long samples;
        await using (var writer = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            samples = OpenMetricsWriter.Write(writer, series, offset);
        }

        if (samples == 0)
        {
            return 0;
        }

        await Processes.RunAsync(promtool, ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, data], cancellationToken).ConfigureAwait(false);
        return samples;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var ready = new Uri(BaseUrl, "-/ready");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode} before it was ready: {Output}");
            }

            try
            {
                using var response = await Http.GetAsync(ready, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but busy loading blocks.
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"prometheus at {BaseUrl} was not ready after {ReadyTimeout.TotalSeconds:0} s: {Output}");
    }

    private static Process Start(string file, StringBuilder output, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // Enough to explain a failure, bounded in case a process is chatty.
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    // If it does not die in time, the directory may stay behind.
    private Task StopAsync() => _process.StopAsync();

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
