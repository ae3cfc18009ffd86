using System.Text.RegularExpressions;
using Klarsicht.Core.Diagnosis.Patterns;

namespace Klarsicht.Api.Investigations;

/// <summary>
/// Loads and runs the log-pattern library once in the background at startup, so the first investigation
/// does not pay for parsing a hundred and fifty regexes and building the keyword index. Readiness does not wait for it.
/// </summary>
public sealed partial class EngineWarmup(IHostApplicationLifetime lifetime, ILogger<EngineWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After the host is listening: on a small machine the warm-up would otherwise compete with startup.
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() =>
        {
            try
            {
                var library = LogPatternLibrary.Default;
                foreach (var pattern in library.Patterns)
                {
                    try
                    {
                        pattern.Regex.IsMatch("warm-up: connect ECONNREFUSED 10.0.0.1:5432 KeyError: 'X' at Main.main(Main.java:1)");
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        // A first match on a busy machine can outrun the timeout; the pattern is parsed all the same.
                    }
                }

                LogWarm(library.Patterns.Count);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(e);
            }
        }, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Log-pattern library ready: {Count} patterns")]
    private partial void LogWarm(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The log-pattern library failed to load")]
    private partial void LogFailed(Exception exception);
}
