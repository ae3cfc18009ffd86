using System.Text.Json;
using FluentValidation;
using Klarsicht.Api.Configuration;
using Klarsicht.Api.Investigations;
using Klarsicht.Api.Observability;
using Klarsicht.Api.Problems;
using Klarsicht.Api.Security;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Webhooks;

/// <summary>Alert intake: Alertmanager, Grafana, either (detected), and on-demand investigations.</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(string.Empty).WithTags("Intake")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/api/v1/webhooks/alertmanager", ReceiveAlertmanagerAsync)
            .WithName("ReceiveAlertmanager").WithSummary("Alertmanager webhook (version 4)")
            .Accepts<AlertmanagerPayload>("application/json").DisableAntiforgery();
        group.MapPost("/api/v1/webhooks/grafana", ReceiveGrafanaAsync)
            .WithName("ReceiveGrafana").WithSummary("Grafana unified-alerting webhook")
            .Accepts<GrafanaPayload>("application/json").DisableAntiforgery();
        group.MapPost("/alert", ReceiveAnyAsync)
            .WithName("ReceiveAlert").WithSummary("Either webhook format, detected from the body (kept for existing installs)")
            .Accepts<AlertmanagerPayload>("application/json").DisableAntiforgery();
        group.MapPost("/api/v1/investigations", CreateInvestigationAsync)
            .WithName("CreateInvestigation").WithSummary("Start an investigation of a pod or workload without an alert")
            .Accepts<ManualInvestigationRequest>("application/json").DisableAntiforgery();
        return group;
    }

    public static Task<Results<Accepted<IntakeResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAlertmanagerAsync(HttpContext http, WebhookContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(http, context, Format.Alertmanager, cancellationToken);

    public static Task<Results<Accepted<IntakeResponse>, ValidationProblem, ProblemHttpResult>> ReceiveGrafanaAsync(HttpContext http, WebhookContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(http, context, Format.Grafana, cancellationToken);

    public static Task<Results<Accepted<IntakeResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAnyAsync(HttpContext http, WebhookContext context, CancellationToken cancellationToken) =>
        ReceiveAsync(http, context, Format.Detect, cancellationToken);

    public static async Task<Results<Accepted<InvestigationCreated>, ValidationProblem, ProblemHttpResult>> CreateInvestigationAsync(
        HttpContext http, WebhookContext context, IValidator<ManualInvestigationRequest> validator, CancellationToken cancellationToken)
    {
        var (body, refused) = await ReadAuthorisedAsync(http, context, allowHmac: false, "manual", cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (!WebhookRequest.TryParse<ManualInvestigationRequest>(body!, out var request, out var problem))
        {
            return Count("manual", problem!);
        }

        var validation = validator.Validate(request!);
        if (!validation.IsValid)
        {
            KlarsichtMetrics.WebhooksReceived.WithLabels("manual", "400").Inc();
            return TypedResults.ValidationProblem(validation.ToDictionary());
        }

        var query = new TargetQuery(request!.Namespace, request.Pod, request.Container, request.Workload?.Kind, request.Workload?.Name, null, null, null);
        try
        {
            var outcome = await context.Intake.AcceptManualAsync(query, cancellationToken).ConfigureAwait(false);
            KlarsichtMetrics.WebhooksReceived.WithLabels("manual", "accepted").Inc();
            return TypedResults.Accepted($"/api/v1/rcas/{outcome.Id}", new InvestigationCreated(outcome.Id, outcome.Status));
        }
        catch (IntakeUnavailableException)
        {
            return Count("manual", Problem.Unavailable("Storage is unavailable; retry shortly."));
        }
    }

    private enum Format
    {
        Alertmanager,
        Grafana,
        Detect,
    }

    private static async Task<Results<Accepted<IntakeResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(HttpContext http, WebhookContext context, Format format, CancellationToken cancellationToken)
    {
        var sourceLabel = format switch { Format.Grafana => "grafana", Format.Alertmanager => "alertmanager", _ => "alert" };
        var (body, refused) = await ReadAuthorisedAsync(http, context, allowHmac: format != Format.Alertmanager, sourceLabel, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (format == Format.Detect)
        {
            var detected = Detect(body!);
            if (detected is null)
            {
                return Count(sourceLabel, Problem.BadRequest("The body is neither an Alertmanager (version \"4\") nor a Grafana (version \"1\") webhook.", "version"));
            }

            format = detected.Value;
        }

        IReadOnlyList<ReceivedAlert> alerts;
        if (format == Format.Grafana)
        {
            if (!WebhookRequest.TryParse<GrafanaPayload>(body!, out var payload, out var problem))
            {
                return Count(sourceLabel, problem!);
            }

            var validation = context.GrafanaValidator.Validate(payload!);
            if (!validation.IsValid)
            {
                KlarsichtMetrics.WebhooksReceived.WithLabels(sourceLabel, "400").Inc();
                return TypedResults.ValidationProblem(validation.ToDictionary());
            }

            // Grafana's contact-point "Test" button: acknowledged, nothing to investigate.
            alerts = AlertNormalizer.FromGrafana(payload!).Where(a => !AlertNormalizer.IsGrafanaTestAlert(a)).ToList();
        }
        else
        {
            if (!WebhookRequest.TryParse<AlertmanagerPayload>(body!, out var payload, out var problem))
            {
                return Count(sourceLabel, problem!);
            }

            var validation = context.AlertmanagerValidator.Validate(payload!);
            if (!validation.IsValid)
            {
                KlarsichtMetrics.WebhooksReceived.WithLabels(sourceLabel, "400").Inc();
                return TypedResults.ValidationProblem(validation.ToDictionary());
            }

            alerts = AlertNormalizer.FromAlertmanager(payload!);
        }

        try
        {
            var outcomes = await context.Intake.AcceptAlertsAsync(alerts, cancellationToken).ConfigureAwait(false);
            KlarsichtMetrics.WebhooksReceived.WithLabels(sourceLabel, "accepted").Inc();
            return TypedResults.Accepted((string?)null, new IntakeResponse(outcomes.Select(o => new IntakeItemResponse(o.Id, o.Status, o.Deduplicated)).ToList()));
        }
        catch (IntakeUnavailableException)
        {
            // 5xx on purpose: Alertmanager retries 5xx and treats every 4xx (429 included) as final.
            http.Response.Headers.RetryAfter = "5";
            return Count(sourceLabel, Problem.Unavailable("Storage is unavailable; the alert was not accepted, retry shortly."));
        }
    }

    private static async Task<(byte[]? Body, ProblemHttpResult? Refused)> ReadAuthorisedAsync(HttpContext http, WebhookContext context, bool allowHmac, string source, CancellationToken cancellationToken)
    {
        var limit = context.Options.CurrentValue.MaxBodyBytes;
        var body = await WebhookRequest.ReadAsync(http.Request, limit, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, Count(source, Problem.TooLarge(limit)));
        }

        if (context.Authenticator.Check(http.Request, body, allowHmac) is { } denied)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer, Basic";
            return (null, Count(source, Problem.Unauthorized(denied)));
        }

        if (!WebhookRequest.IsJson(http.Request))
        {
            return (null, Count(source, Problem.UnsupportedMediaType(http.Request.ContentType)));
        }

        return (body, null);
    }

    private static ProblemHttpResult Count(string source, ProblemHttpResult problem)
    {
        KlarsichtMetrics.WebhooksReceived.WithLabels(source, problem.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        return problem;
    }

    // Route on the version field, not the sender: Grafana's Mimir-compatible receiver posts version "4".
    private static Format? Detect(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var version = document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return version switch
            {
                "4" => Format.Alertmanager,
                "1" => Format.Grafana,
                _ => document.RootElement.TryGetProperty("orgId", out _) ? Format.Grafana : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What every intake handler needs, in one injectable bundle.</summary>
public sealed record WebhookContext(
    IntakeService Intake,
    WebhookAuthenticator Authenticator,
    IOptionsMonitor<WebhookOptions> Options,
    IValidator<AlertmanagerPayload> AlertmanagerValidator,
    IValidator<GrafanaPayload> GrafanaValidator);
