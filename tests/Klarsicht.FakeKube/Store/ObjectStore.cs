using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.FakeKube.Store;

/// <summary>Holds the loaded (already time-shifted) scenarios and the snapshot requests read.</summary>
internal sealed class ObjectStore(TimeProvider clock, TimeSpan? offset)
{
    private readonly Lock _gate = new();
    private readonly List<Scenario> _scenarios = [];
    private long _version = 1000;
    private volatile StoreSnapshot _current = StoreSnapshot.Build([], 1000, clock.GetUtcNow());

    public StoreSnapshot Current => _current;

    public IReadOnlyList<Scenario> Scenarios
    {
        get
        {
            lock (_gate)
            {
                return _scenarios.ToList();
            }
        }
    }

    /// <summary>Shifts each scenario (explicit offset, or wall clock minus its <c>now</c>) and serves it.</summary>
    public IReadOnlyList<Scenario> Add(IEnumerable<Scenario> scenarios)
    {
        var shifted = scenarios.Select(s => TimeShift.Shift(s, offset ?? TimeShift.OffsetToNow(s, clock))).ToList();
        lock (_gate)
        {
            _scenarios.AddRange(shifted);
            Rebuild();
        }

        return shifted;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _scenarios.Clear();
            Rebuild();
        }
    }

    private void Rebuild()
    {
        _version += 1000;
        _current = StoreSnapshot.Build(_scenarios, _version, clock.GetUtcNow());
    }
}
