using Klarsicht.Prometheus.Api;

namespace Klarsicht.Prometheus.Collection;

/// <summary>Reading query results: finite samples grouped by a label.</summary>
internal static class Series
{
    public static Dictionary<string, List<PrometheusSample>> By(string label, IReadOnlyList<PrometheusSeries>? result)
    {
        var grouped = new Dictionary<string, List<PrometheusSample>>(StringComparer.Ordinal);
        foreach (var series in result ?? [])
        {
            var key = series.Label(label);
            if (!grouped.TryGetValue(key, out var samples))
            {
                grouped[key] = samples = [];
            }

            samples.AddRange(series.Samples.Where(s => double.IsFinite(s.Value)));
        }

        foreach (var samples in grouped.Values)
        {
            samples.Sort((a, b) => a.UnixSeconds.CompareTo(b.UnixSeconds));
        }

        return grouped.Where(g => g.Value.Count > 0).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal);
    }

    /// <summary>One value per label value (the largest, should a vector hold several).</summary>
    public static Dictionary<string, double> ValueBy(string label, IReadOnlyList<PrometheusSeries>? result) =>
        By(label, result).ToDictionary(g => g.Key, g => g.Value.Max(s => s.Value), StringComparer.Ordinal);

    /// <summary>The highest sample; the earliest one when several share the peak.</summary>
    public static PrometheusSample Peak(IReadOnlyList<PrometheusSample> samples)
    {
        var peak = samples[0];
        foreach (var sample in samples)
        {
            if (sample.Value > peak.Value)
            {
                peak = sample;
            }
        }

        return peak;
    }
}
