using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>How a finding was observed; precedence rule 2 of the taxonomy ranks kubelet facts above logs.</summary>
public enum FindingTier
{
    /// <summary>A fact the kubelet, scheduler or controllers recorded: a termination reason, an event, a condition.</summary>
    Runtime = 3,

    /// <summary>A line the application wrote.</summary>
    Log = 2,

    /// <summary>A Prometheus measurement.</summary>
    Metric = 1,

    /// <summary>A symptom with no cause of its own (probe failing, exit code only).</summary>
    Symptom = 0,
}

/// <summary>
/// One candidate explanation of a subject's failure, with the evidence it rests on. The engine gathers
/// candidates from every detector, then ranks them by the taxonomy's precedence.
/// </summary>
public sealed record Finding(
    string Category,
    FindingTier Tier,
    double Strength,
    string Summary,
    IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyDictionary<string, string> Entities,
    DateTimeOffset? At = null,
    ObjectRef? Culprit = null,
    int Rank = 0)
{
    public string? Entity(string name) => Entities.TryGetValue(name, out var value) ? value : null;

    public static IReadOnlyDictionary<string, string> NoEntities { get; } = new Dictionary<string, string>();
}

/// <summary>Builds entity dictionaries without ceremony.</summary>
internal static class Entities
{
    public static IReadOnlyDictionary<string, string> Of(params (string Key, string? Value)[] pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if (!string.IsNullOrEmpty(value))
            {
                result[key] = value;
            }
        }

        return result;
    }
}
