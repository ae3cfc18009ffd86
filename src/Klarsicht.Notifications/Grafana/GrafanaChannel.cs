using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Klarsicht.Notifications.Delivery;
using Microsoft.Extensions.Options;

namespace Klarsicht.Notifications.Grafana;

/// <summary>Marks the RCA on the alert's dashboard panel, or organisation-wide when the alert named none.</summary>
internal sealed class GrafanaChannel(IGrafanaApi api, IOptionsMonitor<GrafanaOptions> options, TimeProvider time) : INotificationChannel
{
    public string Name => ChannelNames.Grafana;

    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public Task<DeliveryResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
        {
            return Task.FromResult(DeliveryResult.Skipped("grafana: not configured"));
        }

        if (request.Kind == NotificationKind.Resolved)
        {
            // The annotation already spans the incident; a resolution adds nothing to the graph.
            return Task.FromResult(DeliveryResult.Skipped("grafana: nothing to annotate for a resolution"));
        }

        var annotation = GrafanaAnnotationBuilder.Build(request, time.GetUtcNow());
        return HttpDelivery.RunAsync(Name, settings.Timeout, token => PostAsync(annotation, token), ct);
    }

    private async Task<DeliveryResult> PostAsync(GrafanaAnnotation annotation, CancellationToken ct)
    {
        using var response = await api.CreateAnnotationAsync(annotation, ct);
        var answer = await ReadAnswerAsync(response, ct);
        if (response.IsSuccessStatusCode)
        {
            // The id lets a later version move or close the region (PATCH /api/annotations/:id).
            return DeliveryResult.Sent(answer?.Id?.ToString(CultureInfo.InvariantCulture));
        }

        return HttpDelivery.FromFailedStatus(Name, response, answer?.Message, time);
    }

    private static async Task<GrafanaAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<GrafanaAnswer>(GrafanaJson.Options, ct);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // Not JSON at all (a proxy's HTML page): the status code says enough.
            return null;
        }
    }
}
