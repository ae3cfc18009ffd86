using System.Globalization;
using System.Text;
using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.Testing.Prometheus;

/// <summary>
/// Writes scenario series as the OpenMetrics text <c>promtool tsdb create-blocks-from openmetrics</c> reads:
/// one <c># TYPE</c> per metric family with all its series together, samples in time order with timestamps in
/// seconds, <c># EOF</c> at the end. promtool silently drops a sample older than the previous one of its series,
/// so series with the same labels (the same pod in two scenarios) are merged and sorted, later duplicates winning.
/// </summary>
public static class OpenMetricsWriter
{
    /// <summary>Writes the series shifted by <paramref name="offset"/>; returns the number of samples written.</summary>
    public static long Write(TextWriter writer, IEnumerable<ScenarioSeries> series, TimeSpan offset)
    {
        var families = new SortedDictionary<string, SortedDictionary<string, SortedDictionary<double, double>>>(StringComparer.Ordinal);
        foreach (var one in series)
        {
            if (!one.Labels.TryGetValue("__name__", out var name) || string.IsNullOrEmpty(name))
            {
                throw new InvalidDataException("A series has no __name__ label.");
            }

            var labels = Labels(one.Labels);
            if (!families.TryGetValue(name, out var family))
            {
                families[name] = family = new(StringComparer.Ordinal);
            }

            if (!family.TryGetValue(labels, out var samples))
            {
                family[labels] = samples = [];
            }

            foreach (var sample in one.Samples)
            {
                samples[sample.Time + offset.TotalSeconds] = sample.Value;
            }
        }

        long written = 0;
        foreach (var (name, family) in families)
        {
            // A counter family is named without _total; its samples keep the suffix.
            var counter = name.EndsWith("_total", StringComparison.Ordinal) && name.Length > "_total".Length;
            writer.Write("# TYPE ");
            writer.Write(counter ? name[..^"_total".Length] : name);
            writer.Write(counter ? " counter\n" : " gauge\n");
            foreach (var (labels, samples) in family)
            {
                foreach (var (time, value) in samples)
                {
                    writer.Write(name);
                    writer.Write(labels);
                    writer.Write(' ');
                    writer.Write(Value(value));
                    writer.Write(' ');
                    writer.Write(time.ToString("0.###", CultureInfo.InvariantCulture));
                    writer.Write('\n');
                    written++;
                }
            }
        }

        writer.Write("# EOF\n");
        return written;
    }

    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append("\\\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append("\\n"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    private static string Labels(IReadOnlyDictionary<string, string> labels)
    {
        var pairs = labels.Where(l => l.Key != "__name__").OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{Escape(l.Value)}\"").ToList();
        return pairs.Count == 0 ? "" : $"{{{string.Join(",", pairs)}}}";
    }

    private static string Value(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
