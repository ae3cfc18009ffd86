using System.Runtime.InteropServices;

namespace Klarsicht.Api.Runtime;

/// <summary>
/// Gives memory back when the replica goes idle (see <see cref="IdleTrimPolicy"/>): an aggressive, compacting
/// full GC returns the managed heap's free regions to the OS, and glibc's <c>malloc_trim</c> returns the native
/// memory that startup and bursts freed (mostly the JIT's) but the allocator kept. Measured with the memory
/// benchmark: idle after 50 investigations 177 to 154 MiB, after a storm 187-192 to 149-154 MiB; after start
/// about 3 MiB less. It runs only while the process is quiet, so its pause (milliseconds on a heap this size)
/// meets no load.
/// </summary>
public sealed partial class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    // A probe or a /metrics scrape allocates tens of kilobytes; an investigation or an alert batch allocates megabytes.
    private const long QuietBytesPerTick = 1024 * 1024;
    private const long WorthTrimmingBytes = 16 * 1024 * 1024;
    private const int QuietTicks = 3;

    private bool _nativeTrim = OperatingSystem.IsLinux();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new IdleTrimPolicy(QuietBytesPerTick, WorthTrimmingBytes, QuietTicks);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (policy.Observe(GC.GetTotalAllocatedBytes()))
                {
                    Trim();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Trim()
    {
        // Environment.WorkingSet reads /proc: only when the line is written.
        var before = logger.IsEnabled(LogLevel.Debug) ? Environment.WorkingSet : 0;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (_nativeTrim)
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): the managed heap is still trimmed.
                _nativeTrim = false;
            }
        }

        if (before > 0)
        {
            LogTrimmed(before / 1048576.0, Environment.WorkingSet / 1048576.0);
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: working set {Before:0.0} -> {After:0.0} MiB")]
    private partial void LogTrimmed(double before, double after);
}
