using System.Globalization;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Prometheus.Collection;

/// <summary>How numbers and times read in a fact's summary.</summary>
internal static class Phrases
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Bytes(double bytes) => Quantity.FormatBytes(bytes);

    /// <summary>Millicores as in a manifest (250m); whole cores with their unit (1 core, 2 cores).</summary>
    public static string Cores(double cores)
    {
        var text = Quantity.FormatCores(cores);
        return text.EndsWith('m') ? text : text == "1" ? "1 core" : $"{text} cores";
    }

    /// <summary>Rounded down, so that "100 %" means the limit was really reached.</summary>
    public static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(ratio * 100):0} %");

    public static string Span(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalSeconds < 90
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(span.TotalSeconds):0} s")
            : span.TotalMinutes < 90
                ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(span.TotalMinutes):0} min")
                : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalHours):0} h {span.Minutes} min");
    }

    public static string Times(int count) => count == 1 ? "once" : count == 2 ? "twice" : string.Create(CultureInfo.InvariantCulture, $"{count} times");
}
