using System.Globalization;

namespace Klarsicht.Prometheus.Collection;

/// <summary>
/// The investigated time range and the resolution of its range queries. Prometheus refuses a range query of more
/// than 11,000 points per series, so the step grows with the window: max(15 s, ⌈window / 10,000⌉).
/// </summary>
public sealed record QueryWindow(DateTimeOffset From, DateTimeOffset To)
{
    public const int MaxPoints = 10_000;

    public static readonly TimeSpan MinStep = TimeSpan.FromSeconds(15);

    public TimeSpan Length => To - From;

    public TimeSpan Step => StepFor(Length);

    /// <summary>
    /// Range of <c>rate()</c> and <c>increase()</c>: at least a minute (four 15 s scrapes, two 30 s ones) and at
    /// least two steps, so that neighbouring points overlap and no sample falls between them.
    /// </summary>
    public TimeSpan RateRange => TimeSpan.FromSeconds(Math.Max(60, 2 * Step.TotalSeconds));

    /// <summary>Whole seconds that cover the window, for <c>max_over_time(x[…])</c> evaluated at <see cref="To"/>.</summary>
    public TimeSpan Range => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(Length.TotalSeconds)));

    public static TimeSpan StepFor(TimeSpan window)
    {
        var seconds = Math.Ceiling(Math.Max(0, window.TotalSeconds) / MaxPoints);
        return TimeSpan.FromSeconds(Math.Max(MinStep.TotalSeconds, seconds));
    }

    /// <summary>Points a range query over this window returns per series (Prometheus counts both ends).</summary>
    public long Points => (long)Math.Floor(Length.TotalSeconds / Step.TotalSeconds) + 1;

    /// <summary>A PromQL duration: whole seconds, or milliseconds when there is a fraction.</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalSeconds == Math.Floor(span.TotalSeconds)
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(span.TotalMilliseconds)}ms");

    /// <summary>A time as the API takes it: Unix seconds with millisecond precision.</summary>
    public static string Unix(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.###", CultureInfo.InvariantCulture);
}
