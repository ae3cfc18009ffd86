using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Klarsicht.FakeKube.Scenarios;

/// <summary>
/// One incident frozen in a JSON file (see shared/scenarios/FORMAT.md). Objects and the alert payload stay
/// <see cref="JsonNode"/>s so that fields this model does not know survive untouched.
/// </summary>
public sealed record Scenario
{
    public required string Id { get; init; }

    public string Description { get; init; } = "";

    public required DateTimeOffset Now { get; init; }

    public required ScenarioAlert Alert { get; init; }

    public IReadOnlyList<JsonObject> Objects { get; init; } = [];

    public IReadOnlyList<ScenarioLog> Logs { get; init; } = [];

    public IReadOnlyList<ScenarioSeries> Series { get; init; } = [];

    public ScenarioExpected? Expected { get; init; }
}

public sealed record ScenarioAlert(string Format, JsonNode? Payload);

public sealed record ScenarioLog(string Namespace, string Pod, string Container, bool Previous, string Text);

public sealed record ScenarioSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<ScenarioSample> Samples);

/// <summary>A Prometheus sample, written in a scenario as <c>[unix seconds, value]</c>.</summary>
[JsonConverter(typeof(ScenarioSampleJsonConverter))]
public readonly record struct ScenarioSample(double Time, double Value);

public sealed record ScenarioExpected
{
    public string Category { get; init; } = "";

    public IReadOnlyList<string> AcceptableCategories { get; init; } = [];

    public ScenarioObjectRef? Culprit { get; init; }

    public IReadOnlyList<ScenarioObjectRef> AcceptableCulprits { get; init; } = [];

    public IReadOnlyList<string> MustMention { get; init; } = [];

    public IReadOnlyList<string> MustNotMention { get; init; } = [];
}

public sealed record ScenarioObjectRef(string Kind, string Namespace, string Name);
