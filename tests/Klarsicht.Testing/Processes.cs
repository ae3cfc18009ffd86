using System.Diagnostics;
using System.Text;

namespace Klarsicht.Testing;

/// <summary>The child processes tests start (the service, Prometheus, Alertmanager, PostgreSQL's tools).</summary>
public static class Processes
{
    /// <summary>Kills the process and its children, waits up to 10 s for them to go, and disposes it.</summary>
    public static async Task StopAsync(this Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Never started, already gone, or it did not die in time.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Runs a tool to completion; throws with its output when it exits with anything but 0.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var all = new StringBuilder().Append(await error.ConfigureAwait(false)).Append(await output.ConfigureAwait(false)).ToString();
        return process.ExitCode == 0
            ? all
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {all}");
    }
}
