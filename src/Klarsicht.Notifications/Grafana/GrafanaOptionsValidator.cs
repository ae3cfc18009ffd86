using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Bad Grafana configuration fails at startup. Messages name keys, never the token.</summary>
internal sealed class GrafanaOptionsValidator : IValidateOptions<GrafanaOptions>
{
    private const string Prefix = "Klarsicht:Grafana";

    public ValidateOptionsResult Validate(string? name, GrafanaOptions options)
    {
        var errors = new List<string>();
        var hasUrl = !string.IsNullOrWhiteSpace(options.Url);
        var hasToken = !string.IsNullOrWhiteSpace(options.Token);

        if (hasUrl && !UrlRules.IsAbsoluteHttpUrl(options.Url))
        {
            errors.Add($"{Prefix}:Url must be an absolute http(s) URL.");
        }

        if (hasUrl != hasToken)
        {
            errors.Add($"{Prefix}:Url and {Prefix}:Token go together: annotations need a service-account token.");
        }

        if (options.OrgId is <= 0)
        {
            errors.Add($"{Prefix}:OrgId must be positive.");
        }

        if (options.MinimumConfidence is < 0 or > 1 || double.IsNaN(options.MinimumConfidence))
        {
            errors.Add($"{Prefix}:MinimumConfidence must be between 0 and 1.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}:Timeout must be positive.");
        }

        foreach (var category in options.Categories.Where(c => !Categories.IsKnown(c)))
        {
            errors.Add($"{Prefix}:Categories: '{category}' is not a taxonomy category id.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
