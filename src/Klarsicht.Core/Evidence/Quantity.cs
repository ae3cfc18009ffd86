using System.Globalization;

namespace Klarsicht.Core.Evidence;

/// <summary>Parses and prints Kubernetes resource quantities (<c>512Mi</c>, <c>250m</c>, <c>1.5G</c>).</summary>
public static class Quantity
{
    private static readonly (string Suffix, double Factor)[] Suffixes =
    [
        ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", 1024d * 1024 * 1024), ("Ti", 1024d * 1024 * 1024 * 1024),
        ("Pi", 1024d * 1024 * 1024 * 1024 * 1024), ("Ei", 1024d * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ];

    /// <summary>The quantity as a number in base units (bytes, cores); null when it is not a quantity.</summary>
    public static double? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var scaled))
            {
                return scaled * factor;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }

    /// <summary>Bytes as the binary quantity a person would write in a manifest, rounded up: 805306368 → 768Mi.</summary>
    public static string FormatBytes(double bytes)
    {
        const double mi = 1024d * 1024;
        if (bytes >= 1024 * mi && bytes % (1024 * mi) == 0)
        {
            return $"{bytes / (1024 * mi):0}Gi";
        }

        return $"{Math.Ceiling(bytes / mi):0}Mi";
    }

    /// <summary>Cores as millicores: 0.25 → 250m, 2 → 2.</summary>
    public static string FormatCores(double cores) =>
        cores >= 1 && Math.Abs(cores - Math.Round(cores)) < 1e-9
            ? Math.Round(cores).ToString(CultureInfo.InvariantCulture)
            : $"{Math.Round(cores * 1000):0}m";

    /// <summary>The next sensible memory limit above an observed peak: 1.5× the peak, rounded up to 64 MiB.</summary>
    public static string SuggestMemoryLimit(double peakBytes, double currentLimitBytes)
    {
        const double step = 64d * 1024 * 1024;
        var wanted = Math.Max(peakBytes, currentLimitBytes) * 1.5;
        return FormatBytes(Math.Ceiling(wanted / step) * step);
    }
}
