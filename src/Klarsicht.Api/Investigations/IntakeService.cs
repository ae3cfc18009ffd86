using Klarsicht.Core.Alerts;
using Klarsicht.Storage.Investigations;

namespace Klarsicht.Api.Investigations;

/// <summary>Turns received alerts and on-demand requests into durable investigations.</summary>
public sealed class IntakeService(IntakeBatcher batcher)
{
    public async Task<IReadOnlyList<IntakeOutcome>> AcceptAlertsAsync(IReadOnlyList<ReceivedAlert> alerts, CancellationToken cancellationToken)
    {
        var items = alerts.Select(a =>
        {
            var query = TargetQueryParser.Parse(a.Labels);
            return new IntakeItem(new InvestigationRequest(Source(a.Source), a, query), TargetKey.For(query, a.Fingerprint));
        }).ToList();
        var outcomes = await batcher.AcceptAsync(items, cancellationToken).ConfigureAwait(false);
        return outcomes.OfType<IntakeOutcome>().DistinctBy(o => o.Id).ToList();
    }

    public async Task<IntakeOutcome> AcceptManualAsync(TargetQuery query, CancellationToken cancellationToken)
    {
        // An on-demand request always runs, even while an alert-driven investigation of the same target is open.
        var item = new IntakeItem(new InvestigationRequest("manual", null, query), $"manual/{Guid.CreateVersion7()}");
        var outcomes = await batcher.AcceptAsync([item], cancellationToken).ConfigureAwait(false);
        return outcomes[0]!;
    }

    private static string Source(AlertSource source) => source switch
    {
        AlertSource.Grafana => "grafana",
        AlertSource.Manual => "manual",
        _ => "alertmanager",
    };
}
