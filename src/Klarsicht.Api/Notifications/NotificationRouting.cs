using Klarsicht.Api.Investigations;
using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Routing;
using Klarsicht.Storage.Investigations;

namespace Klarsicht.Api.Notifications;

/// <summary>Asks the notification policy which channels a finished RCA goes to.</summary>
public sealed class NotificationRouting(NotificationPolicy policy) : INotificationRouting
{
    public IReadOnlyList<string> ChannelsFor(InvestigationRequest request, StoredDiagnosis diagnosis)
    {
        var alert = request.Alert;
        var rca = new Rca
        {
            Id = string.Empty,
            Status = RcaStatus.Completed,
            Source = request.Source,
            Alert = alert is null ? null : new RcaAlert(alert.Name, alert.Fingerprint, alert.Firing ? "firing" : "resolved", alert.StartsAt, alert.Labels, alert.Annotations, 1),
            Target = diagnosis.Target,
            RootCause = diagnosis.RootCause,
            Confidence = diagnosis.Confidence,
            ReceivedAt = DateTimeOffset.UnixEpoch,
        };
        return policy.Decide(rca).Where(d => d.Deliver).Select(d => d.Channel).ToList();
    }
}
