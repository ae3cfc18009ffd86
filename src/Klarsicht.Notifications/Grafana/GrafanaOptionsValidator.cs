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

        ChannelFilterRules.Check(Prefix, options.MinimumConfidence, options.Timeout, options.Categories, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
