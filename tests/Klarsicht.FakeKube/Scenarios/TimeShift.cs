using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Klarsicht.FakeKube.Scenarios;

/// <summary>
/// Moves a frozen incident to another moment: every RFC 3339 date-time string anywhere in a JSON tree, and every
/// sample time, by one offset. Written timestamps keep their fractional-second precision and end in <c>Z</c>.
/// </summary>
public static partial class TimeShift
{
    private const long NanosPerTick = 100;

    /// <summary>The offset that makes <paramref name="scenario"/> happen now: wall clock minus its <c>now</c>, in whole seconds.</summary>
    public static TimeSpan OffsetToNow(Scenario scenario, TimeProvider? clock = null)
    {
        var delta = (clock ?? TimeProvider.System).GetUtcNow() - scenario.Now;
        // Whole seconds, so that second-precision timestamps and sub-second ones move by exactly the same amount.
        return TimeSpan.FromSeconds(Math.Floor(delta.TotalSeconds));
    }

    /// <summary>A copy of <paramref name="scenario"/> with objects, alert payload, samples and <c>now</c> shifted.</summary>
    public static Scenario Shift(Scenario scenario, TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
        {
            return scenario with { Objects = scenario.Objects.Select(o => o.DeepClone().AsObject()).ToList() };
        }

        return scenario with
        {
            Now = scenario.Now + offset,
            Alert = scenario.Alert with { Payload = Shift(scenario.Alert.Payload, offset) },
            Objects = scenario.Objects.Select(o => Shift(o, offset)!.AsObject()).ToList(),
            Series = scenario.Series.Select(s => s with { Samples = ShiftSamples(s.Samples, offset) }).ToList(),
        };
    }

    /// <summary>A deep copy of <paramref name="node"/> with every RFC 3339 date-time string shifted.</summary>
    public static JsonNode? Shift(JsonNode? node, TimeSpan offset)
    {
        var copy = node?.DeepClone();
        if (copy is not null)
        {
            ShiftInPlace(copy, offset);
        }

        return copy;
    }

    /// <summary>Shifts every RFC 3339 date-time string inside <paramref name="node"/> (the node itself is changed).</summary>
    public static void ShiftInPlace(JsonNode node, TimeSpan offset)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && TryShiftValue(value, offset, out var shifted))
                    {
                        obj[key] = shifted;
                    }
                    else if (child is not null)
                    {
                        ShiftInPlace(child, offset);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    if (child is JsonValue value && TryShiftValue(value, offset, out var shifted))
                    {
                        array[i] = shifted;
                    }
                    else if (child is not null)
                    {
                        ShiftInPlace(child, offset);
                    }
                }

                break;
        }
    }

    public static IReadOnlyList<ScenarioSample> ShiftSamples(IReadOnlyList<ScenarioSample> samples, TimeSpan offset) =>
        samples.Select(s => s with { Time = s.Time + offset.TotalSeconds }).ToList();

    /// <summary>
    /// Shifts one timestamp. Returns false (and leaves <paramref name="shifted"/> null) when <paramref name="text"/>
    /// is not a full RFC 3339 date-time, is the Go zero time, or would leave the representable range.
    /// </summary>
    public static bool TryShift(string text, TimeSpan offset, out string? shifted)
    {
        shifted = null;
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        if (!DateTime.TryParseExact(match.Groups["seconds"].Value.Replace('t', 'T'), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var wholeSeconds))
        {
            return false;
        }

        if (wholeSeconds == DateTime.MinValue && fraction.TrimStart('0').Length == 0)
        {
            // 0001-01-01T00:00:00Z is Go's zero time ("not set"), e.g. Alertmanager's endsAt of a firing alert.
            return false;
        }

        var zone = match.Groups["zone"].Value;
        var zoneOffset = TimeSpan.Zero;
        if (zone is not ("Z" or "z"))
        {
            zoneOffset = new TimeSpan(int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture),
                int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture), 0);
            if (zone[0] == '-')
            {
                zoneOffset = -zoneOffset;
            }
        }

        // Nanoseconds as written (up to 9 digits); ticks carry 100 ns, the rest is kept aside and written back.
        var nanos = fraction.Length == 0 ? 0L : long.Parse(fraction.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        try
        {
            var ticks = wholeSeconds.Ticks - zoneOffset.Ticks + (nanos / NanosPerTick) + offset.Ticks;
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            {
                return false;
            }

            var result = new DateTime(ticks, DateTimeKind.Utc);
            var text9 = (((result.Ticks % TimeSpan.TicksPerSecond) * NanosPerTick) + (nanos % NanosPerTick))
                .ToString("D9", CultureInfo.InvariantCulture);
            var head = result.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            shifted = fraction.Length == 0 ? head + "Z" : $"{head}.{text9[..Math.Min(fraction.Length, 9)]}Z";
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryShiftValue(JsonValue value, TimeSpan offset, out JsonNode? shifted)
    {
        shifted = null;
        if (!value.TryGetValue<string>(out var text) || !TryShift(text, offset, out var result))
        {
            return false;
        }

        shifted = JsonValue.Create(result);
        return true;
    }

    [GeneratedRegex(@"^(?<seconds>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<zone>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
