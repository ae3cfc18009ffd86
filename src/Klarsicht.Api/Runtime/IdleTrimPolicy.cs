namespace Klarsicht.Api.Runtime;

/// <summary>
/// Decides when an idle replica gives memory back: once the process has been quiet for a few ticks (it allocates
/// no more than probes and scrapes do), after startup and after each burst of work that allocated enough to leave
/// garbage behind. Fed the process's total allocated bytes once a tick; no clock, so it is tested tick by tick.
/// </summary>
public sealed class IdleTrimPolicy(long quietBytesPerTick, long worthTrimmingBytes, int quietTicks)
{
    private long? _last;
    private long _sinceTrim;
    private int _quiet;

    // Startup leaves JIT scratch memory and startup-only objects behind, whatever it allocated.
    private bool _pending = true;

    public bool Observe(long totalAllocatedBytes)
    {
        var delta = _last is { } last ? Math.Max(0, totalAllocatedBytes - last) : 0;
        _last = totalAllocatedBytes;
        _sinceTrim += delta;
        _pending |= _sinceTrim >= worthTrimmingBytes;
        _quiet = delta <= quietBytesPerTick ? _quiet + 1 : 0;
        if (!_pending || _quiet < quietTicks)
        {
            return false;
        }

        _pending = false;
        _sinceTrim = 0;
        return true;
    }
}
