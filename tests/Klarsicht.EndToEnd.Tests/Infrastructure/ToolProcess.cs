using System.Diagnostics;
using System.Text;
using Klarsicht.Testing;

namespace Klarsicht.EndToEnd.Tests.Infrastructure;

/// <summary>A real Prometheus or Alertmanager process on loopback; disposing kills it and deletes its directory.</summary>
public sealed class ToolProcess : IAsyncDisposable
{
    // Test infrastructure polling local processes: one shared client.
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ToolProcess(string name, string file, string directory, Uri baseUrl, IEnumerable<string> arguments)
    {
        Name = name;
        Directory = directory;
        BaseUrl = baseUrl;
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string Directory { get; }

    public Uri BaseUrl { get; }

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

    /// <summary>Starts <paramref name="file"/> and waits until <c>/-/ready</c> answers 200.</summary>
    public static async Task<ToolProcess> StartAsync(string name, string file, string directory, int port, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var tool = new ToolProcess(name, file, directory, new Uri($"http://127.0.0.1:{port}/"), arguments);
        try
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (tool._process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited with code {tool._process.ExitCode} before it was ready:\n{tool.Output}");
                }

                try
                {
                    using var response = await Http.GetAsync(new Uri(tool.BaseUrl, "-/ready"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return tool;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Listening but busy.
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw new InvalidOperationException($"{name} at {tool.BaseUrl} was not ready after 20 s:\n{tool.Output}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        catch
        {
            await tool.DisposeAsync();
            throw;
        }
    }

    public async Task<string> GetStringAsync(string relative) => await Http.GetStringAsync(new Uri(BaseUrl, relative));

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync();

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory is not worth failing a test for.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
