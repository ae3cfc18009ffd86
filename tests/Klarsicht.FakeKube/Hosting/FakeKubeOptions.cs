using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.FakeKube.Hosting;

/// <summary>How to start a <see cref="FakeKubeServer"/>.</summary>
public sealed class FakeKubeOptions
{
    /// <summary>Scenarios to serve, already loaded.</summary>
    public IReadOnlyList<Scenario> Scenarios { get; init; } = [];

    /// <summary>Corpus folders whose <c>*.json</c> scenarios are served as well.</summary>
    public IReadOnlyList<string> CorpusDirectories { get; init; } = [];

    /// <summary>
    /// How far every timestamp is moved. Null (the default) moves each scenario so that its <c>now</c> is the wall
    /// clock at load time; tests pass <see cref="TimeSpan.Zero"/> to see the files as written.
    /// </summary>
    public TimeSpan? Offset { get; init; }

    /// <summary>Delay added to every request.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Port on 127.0.0.1; 0 takes any free port.</summary>
    public int Port { get; init; }

    /// <summary>The clock the default offset is computed from.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
