using Klarsicht.Core.Rcas;

namespace Klarsicht.Notifications.Delivery;

/// <summary>The startup checks every channel's filter settings share.</summary>
internal static class ChannelFilterRules
{
    public static void Check(string prefix, double minimumConfidence, TimeSpan timeout, IEnumerable<string> categories, List<string> errors)
    {
        if (minimumConfidence is < 0 or > 1 || double.IsNaN(minimumConfidence))
        {
            errors.Add($"{prefix}:MinimumConfidence must be between 0 and 1.");
        }

        if (timeout <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}:Timeout must be positive.");
        }

        foreach (var category in categories.Where(c => !Categories.IsKnown(c)))
        {
            errors.Add($"{prefix}:Categories: '{category}' is not a taxonomy category id.");
        }
    }
}
