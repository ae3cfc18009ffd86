using System.Diagnostics;
using System.Text;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Testing.Hosting;

/// <summary>
/// The built service (Klarsicht.Api.dll beside the calling assembly, or KLARSICHT_API_DLL) as a child process,
/// configured by environment variables as the contract describes, so its working set, start time and death
/// (SIGKILL) are its own.
/// </summary>
public sealed class ChildService : IAsyncDisposable
{
    private readonly Process _process;

    private readonly StringBuilder _output;

    private ChildService(Process process, StringBuilder output, Uri baseUrl, Stopwatch started)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        Started = started;
    }

    /// <summary>What the service wrote to stdout and stderr so far (its first 64 KiB).</summary>
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

    /// <summary>Whether the process has ended (a port already taken, for one, ends it at startup).</summary>
    public bool HasExited => _process.HasExited;

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    /// <summary>Running since the process was started.</summary>
    public Stopwatch Started { get; }

    /// <summary>Resident set size (VmRSS) in bytes; 0 when it cannot be read.</summary>
    public long WorkingSet
    {
        get
        {
            try
            {
                var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    public static string Dll()
    {
        var configured = Environment.GetEnvironmentVariable("KLARSICHT_API_DLL");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        // Every project that references Klarsicht.Testing gets the service built beside it, in its own configuration.
        var beside = Path.Combine(AppContext.BaseDirectory, "Klarsicht.Api.dll");
        return File.Exists(beside) ? beside : throw new FileNotFoundException($"Klarsicht.Api.dll not found beside {AppContext.BaseDirectory}; set KLARSICHT_API_DLL.");
    }

    /// <summary>Starts the service; does not wait for it (see <see cref="WaitReadyAsync"/>).</summary>
    /// <param name="port">The HTTP port of <see cref="BaseUrl"/>; a free one when not given.</param>
    public static ChildService Start(IDictionary<string, string?> environment, int? port = null)
    {
        port ??= PrometheusTestServer.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Dll())!,
        };
        info.ArgumentList.Add(Dll());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_gcServer"] = null;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        void Capture(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length < 64 * 1024)
                {
                    output.AppendLine(line);
                }
            }

            if (Environment.GetEnvironmentVariable("KLARSICHT_BENCH_VERBOSE") == "1")
            {
                Console.Error.WriteLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildService(process, output, new Uri($"http://127.0.0.1:{port}/"), clock);
    }

    /// <summary>Polls /healthz until 200 (the host is up and listening); returns the time since process start.</summary>
    public Task<TimeSpan> WaitHealthyAsync(TimeSpan timeout) => WaitAsync("healthz", timeout);

    /// <summary>Polls /readyz until 200; returns the time since process start.</summary>
    public Task<TimeSpan> WaitReadyAsync(TimeSpan timeout) => WaitAsync("readyz", timeout);

    /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private async Task<TimeSpan> WaitAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        while (Started.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with code {_process.ExitCode}: {Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, path));
                if (response.IsSuccessStatusCode)
                {
                    return Started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"/{path} did not answer 200 within {timeout.TotalSeconds:0} s");
    }

    public async ValueTask DisposeAsync() => await _process.StopAsync();
}
