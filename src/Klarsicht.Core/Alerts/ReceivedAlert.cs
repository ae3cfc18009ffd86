namespace Klarsicht.Core.Alerts;

/// <summary>Where an alert came from; serialised lowercase as the contract's <c>source</c>.</summary>
public enum AlertSource
{
    Alertmanager,
    Grafana,
    Manual,
}

/// <summary>
/// One alert as Klarsicht understands it, whichever sender posted it. Grafana and Alertmanager
/// bodies are both normalised into this shape before anything else looks at them.
/// </summary>
public sealed record ReceivedAlert(
    AlertSource Source,
    string Name,
    string Fingerprint,
    bool Firing,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? GeneratorUrl = null,
    string? DashboardUrl = null,
    string? PanelUrl = null,
    string? GroupKey = null)
{
    public string? Label(string key) => Labels.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
