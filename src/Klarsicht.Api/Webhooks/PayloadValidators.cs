using FluentValidation;
using Klarsicht.Api.Configuration;
using Klarsicht.Core.Alerts.Payloads;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Webhooks;

// Every rule here is synchronous and the endpoints call Validate, not ValidateAsync: the async path's state machines
// cost 7 % of the service's CPU under intake load. An async rule would throw on the first request that reaches it.

/// <summary>Rules every alert must meet, whichever sender posted it.</summary>
public sealed class AlertValidator : AbstractValidator<AlertmanagerAlert>
{
    public AlertValidator()
    {
        RuleFor(a => a.Status).NotEmpty().Must(s => s is "firing" or "resolved").WithMessage("status must be 'firing' or 'resolved'.");
        RuleFor(a => a.Labels).NotNull().WithMessage("labels is required.");
        RuleFor(a => a.Labels).Must(l => l!.Count <= 200).When(a => a.Labels is not null).WithMessage("labels may hold at most 200 entries.");
        // One rule over the whole map, not one per label: RuleForEach builds a validation context for every entry,
        // which made label checks most of the validator's cost.
        RuleFor(a => a.Labels).Must(l => l!.All(kv => kv.Key.Length <= 256 && (kv.Value?.Length ?? 0) <= 4096)).When(a => a.Labels is not null)
            .WithMessage("label names are at most 256 and values at most 4096 characters.");
        RuleFor(a => a.StartsAt).NotNull().WithMessage("startsAt is required.");
        RuleFor(a => a.Fingerprint).MaximumLength(128);
    }
}

public sealed class AlertmanagerPayloadValidator : AbstractValidator<AlertmanagerPayload>
{
    public AlertmanagerPayloadValidator(IOptions<WebhookOptions> options)
    {
        RuleFor(p => p.Version).Equal("4").WithMessage("version must be \"4\" (Alertmanager webhook format).");
        RuleFor(p => p.Alerts).NotEmpty().WithMessage("alerts must hold at least one alert.");
        RuleFor(p => p.Alerts).Must(a => a!.Count <= options.Value.MaxAlerts).When(p => p.Alerts is not null).WithMessage($"alerts may hold at most {options.Value.MaxAlerts} alerts.");
        RuleForEach(p => p.Alerts).NotNull().WithMessage("alerts must not contain null.").SetValidator(new AlertValidator());
    }
}

public sealed class GrafanaPayloadValidator : AbstractValidator<GrafanaPayload>
{
    public GrafanaPayloadValidator(IOptions<WebhookOptions> options)
    {
        RuleFor(p => p.Version).Equal("1").WithMessage("version must be \"1\" (Grafana unified-alerting webhook format).");
        RuleFor(p => p.Alerts).NotEmpty().WithMessage("alerts must hold at least one alert.");
        RuleFor(p => p.Alerts).Must(a => a!.Count <= options.Value.MaxAlerts).When(p => p.Alerts is not null).WithMessage($"alerts may hold at most {options.Value.MaxAlerts} alerts.");
        RuleForEach(p => p.Alerts).NotNull().WithMessage("alerts must not contain null.").SetValidator(new AlertValidator());
    }
}

/// <summary>The body of <c>POST /api/v1/investigations</c>.</summary>
public sealed record ManualInvestigationRequest(string? Namespace, string? Pod, ManualWorkload? Workload, string? Container);

public sealed record ManualWorkload(string? Kind, string? Name);

public sealed class ManualInvestigationRequestValidator : AbstractValidator<ManualInvestigationRequest>
{
    private static readonly string[] Kinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"];

    public ManualInvestigationRequestValidator()
    {
        RuleFor(r => r.Namespace).NotEmpty().WithMessage("namespace is required.")
            .Matches("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$").WithMessage("namespace must be a DNS-1123 label.");
        RuleFor(r => r).Must(r => r.Pod is not null || r.Workload is not null).WithName("pod").OverridePropertyName("pod").WithMessage("either pod or workload is required.");
        RuleFor(r => r.Pod).Matches("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$").When(r => r.Pod is not null).WithMessage("pod must be a DNS-1123 subdomain.");
        When(r => r.Workload is not null, () =>
        {
            RuleFor(r => r.Workload!.Kind).Must(k => Kinds.Contains(k)).OverridePropertyName("workload.kind").WithMessage($"workload.kind must be one of {string.Join(", ", Kinds)}.");
            RuleFor(r => r.Workload!.Name).NotEmpty().Matches("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$").OverridePropertyName("workload.name").WithMessage("workload.name must be a DNS-1123 subdomain.");
        });
    }
}
