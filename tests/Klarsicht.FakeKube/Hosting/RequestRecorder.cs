using System.Collections.Concurrent;

namespace Klarsicht.FakeKube.Hosting;

/// <summary>Counts and logs requests; safe to read while requests are served.</summary>
internal sealed class RequestRecorder
{
    private const int MaxLogEntries = 100_000;
    private readonly ConcurrentQueue<string> _log = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyList<string> Log => _log.ToArray();

    public void Record(string method, string pathAndQuery)
    {
        Interlocked.Increment(ref _count);
        _log.Enqueue($"{method} {pathAndQuery}");
        // Bounded so a load test cannot grow the log without end.
        while (_log.Count > MaxLogEntries && _log.TryDequeue(out _))
        {
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        _log.Clear();
    }
}
