using Prometheus;

namespace Klarsicht.Api.Observability;

/// <summary>The service's own metrics, served at /metrics in the Prometheus text format.</summary>
public static class KlarsichtMetrics
{
    public static readonly Counter WebhooksReceived = Metrics.CreateCounter(
        "klarsicht_webhooks_received_total", "Webhook deliveries, by source and outcome (accepted, rejected status code).", "source", "outcome");

    public static readonly Histogram IntakeCommitDuration = Metrics.CreateHistogram(
        "klarsicht_intake_commit_seconds", "Group commits of webhook intake: time from the batch's start to its commit (every webhook in it waits this long).",
        new HistogramConfiguration { Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });

    public static readonly Histogram IntakeBatchSize = Metrics.CreateHistogram(
        "klarsicht_intake_batch_alerts", "Alerts per group commit of webhook intake.",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    public static readonly Counter InvestigationsFinished = Metrics.CreateCounter(
        "klarsicht_investigations_total", "Investigations that finished, by status and root-cause category.", "status", "category");

    public static readonly Histogram InvestigationDuration = Metrics.CreateHistogram(
        "klarsicht_investigation_duration_seconds", "Investigation time by phase (collect, diagnose, total).",
        new HistogramConfiguration { LabelNames = ["phase"], Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static readonly Gauge InvestigationsInFlight = Metrics.CreateGauge(
        "klarsicht_investigations_in_flight", "Investigations running in this replica.");

    public static readonly Counter NotificationsSent = Metrics.CreateCounter(
        "klarsicht_notifications_total", "Notification attempts, by channel and outcome.", "channel", "outcome");
}
