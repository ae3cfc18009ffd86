using FluentValidation;

namespace Klarsicht.Api.Configuration;

/// <summary>Startup validation with one clear message per bad value.</summary>
public sealed class WebhookOptionsValidator : AbstractValidator<WebhookOptions>
{
    public WebhookOptionsValidator()
    {
        RuleForEach(o => o.Tokens).MinimumLength(16).WithMessage("Klarsicht:Webhooks:Tokens entries must be at least 16 characters.");
        RuleFor(o => o.BasicPassword).NotEmpty().When(o => !string.IsNullOrEmpty(o.BasicUsername)).WithMessage("Klarsicht:Webhooks:BasicPassword is required when BasicUsername is set.");
        RuleFor(o => o.GrafanaHmacSecret).MinimumLength(16).When(o => o.GrafanaHmacSecret is not null).WithMessage("Klarsicht:Webhooks:GrafanaHmacSecret must be at least 16 characters.");
        RuleFor(o => o.MaxBodyBytes).InclusiveBetween(1024, 64 * 1024 * 1024).WithMessage("Klarsicht:Webhooks:MaxBodyBytes must be between 1 KiB and 64 MiB.");
        RuleFor(o => o.MaxAlerts).InclusiveBetween(1, 100_000).WithMessage("Klarsicht:Webhooks:MaxAlerts must be between 1 and 100000.");
        RuleFor(o => o.ReplayWindow).InclusiveBetween(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)).WithMessage("Klarsicht:Webhooks:ReplayWindow must be between 10 seconds and 1 hour.");
    }
}

public sealed class ApiOptionsValidator : AbstractValidator<ApiOptions>
{
    public ApiOptionsValidator()
    {
        RuleForEach(o => o.Tokens).MinimumLength(16).WithMessage("Klarsicht:Api:Tokens entries must be at least 16 characters.");
        RuleFor(o => o.PublicUrl).Must(u => u is null || (u.IsAbsoluteUri && u.Scheme is "http" or "https")).WithMessage("Klarsicht:Api:PublicUrl must be an absolute http(s) URL.");
    }
}

public sealed class InvestigationOptionsValidator : AbstractValidator<InvestigationOptions>
{
    public InvestigationOptionsValidator()
    {
        RuleFor(o => o.Concurrency).InclusiveBetween(1, 256).WithMessage("Klarsicht:Investigations:Concurrency must be between 1 and 256.");
        RuleFor(o => o.Deadline).InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30)).WithMessage("Klarsicht:Investigations:Deadline must be between 1 second and 30 minutes.");
        RuleFor(o => o.PollInterval).InclusiveBetween(TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)).WithMessage("Klarsicht:Investigations:PollInterval must be between 50 ms and 5 minutes.");
    }
}

/// <summary>Bridges a FluentValidation validator into the options pipeline so bad values fail at startup.</summary>
public sealed class FluentOptionsValidator<T>(IValidator<T> validator) : Microsoft.Extensions.Options.IValidateOptions<T>
    where T : class
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, T options)
    {
        var result = validator.Validate(options);
        return result.IsValid
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
