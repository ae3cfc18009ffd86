using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Grafana's HTTP API, as far as Klarsicht uses it.</summary>
internal interface IGrafanaApi
{
    [Post("/api/annotations")]
    Task<HttpResponseMessage> CreateAnnotationAsync([Body(buffered: true)] GrafanaAnnotation annotation, CancellationToken ct);
}

/// <summary>
/// <c>PostAnnotationsCmd</c>: without <see cref="DashboardUid"/> and <see cref="PanelId"/> it is an organisation
/// annotation, which dashboards see through the built-in query filtered by tags. Times are epoch milliseconds.
/// </summary>
internal sealed record GrafanaAnnotation(
    [property: JsonPropertyName("dashboardUID"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DashboardUid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PanelId,
    long Time,
    long TimeEnd,
    IReadOnlyList<string> Tags,
    string Text);

/// <summary><c>{"message":"Annotation added","id":1}</c>, or <c>{"message":"…"}</c> on errors.</summary>
internal sealed record GrafanaAnswer(string? Message, long? Id);

internal static class GrafanaJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
