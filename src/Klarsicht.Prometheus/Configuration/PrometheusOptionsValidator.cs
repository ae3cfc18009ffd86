using Microsoft.Extensions.Options;

namespace Klarsicht.Prometheus.Configuration;

/// <summary>Fails startup with a message that names the key to fix.</summary>
internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    private const string Prefix = "Klarsicht:Prometheus:";

    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var errors = new List<string>();
        if (options.Url is { } url)
        {
            if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{Prefix}Url must be an absolute http or https URL such as http://prometheus:9090 (got '{(url.IsAbsoluteUri ? PrometheusOptions.Redact(url) : "a relative URL")}').");
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                errors.Add($"{Prefix}Url must not carry credentials; use {Prefix}Username and {Prefix}Password.");
            }
        }

        if (options.HasBearerToken && options.HasBasicAuth)
        {
            errors.Add($"{Prefix}BearerToken and {Prefix}Username/Password are both set; choose one way to authenticate.");
        }

        if (options.HasBasicAuth && string.IsNullOrEmpty(options.Username))
        {
            errors.Add($"{Prefix}Password is set without {Prefix}Username.");
        }

        if (options.InsecureSkipVerify && !string.IsNullOrEmpty(options.CaFile))
        {
            errors.Add($"{Prefix}InsecureSkipVerify and {Prefix}CaFile are both set; a CA file has no effect when verification is off.");
        }

        if (!string.IsNullOrEmpty(options.CaFile) && !File.Exists(options.CaFile))
        {
            errors.Add($"{Prefix}CaFile '{options.CaFile}' does not exist.");
        }

        if (options.QueryTimeout <= TimeSpan.Zero || options.QueryTimeout > TimeSpan.FromMinutes(2))
        {
            errors.Add($"{Prefix}QueryTimeout must be between 0 and 2 minutes (got {options.QueryTimeout}).");
        }

        if (options.MaxConcurrentQueries is < 1 or > 64)
        {
            errors.Add($"{Prefix}MaxConcurrentQueries must be between 1 and 64 (got {options.MaxConcurrentQueries}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
