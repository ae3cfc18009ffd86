using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Grafana;
using Klarsicht.Notifications.Slack;
using Klarsicht.Notifications.Tests.Infrastructure;

namespace Klarsicht.Notifications.Tests.Grafana;

public sealed class GrafanaAnnotationBuilderTests
{
    private static readonly DateTimeOffset Now = TestRcas.StartsAt.AddHours(3);

    [Fact]
    public void Refired_IsAPointAnnotationAtNow()
    {
        var annotation = GrafanaAnnotationBuilder.Build(Channels.Request(TestRcas.OutOfMemory(), NotificationKind.Refired), Now);

        Assert.Equal(Now.ToUnixTimeMilliseconds(), annotation.Time);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), annotation.TimeEnd);
        Assert.StartsWith("Fired again: ", annotation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ManualInvestigationWithoutAlertOrCause_HasOnlyTheTagsItKnows()
    {
        var rca = TestRcas.OutOfMemory() with { Alert = null, RootCause = null, Status = RcaStatus.Failed, Error = "pod not found" };

        var annotation = GrafanaAnnotationBuilder.Build(Channels.Request(rca), Now);

        Assert.Equal(["klarsicht", "shop"], annotation.Tags);
        Assert.Equal(rca.ReceivedAt.ToUnixTimeMilliseconds(), annotation.Time);
        Assert.Contains("investigation failed: pod not found", annotation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeRca_TextIsCutButKeepsTheLink()
    {
        var annotation = GrafanaAnnotationBuilder.Build(Channels.Request(TestRcas.Huge()), Now);

        Assert.True(annotation.Text.Length <= GrafanaAnnotationBuilder.MaxText + 10);
        Assert.EndsWith("<a href=\"https://klarsicht.example.com/api/v1/rcas/rca-42\">Full RCA</a>", annotation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SlackThreadKey_RoundTrips()
    {
        Assert.Equal(new SlackThread("C0123", "1789010123.456789"), SlackThread.Parse("C0123:1789010123.456789"));
        Assert.Equal("C0123:1.2", new SlackThread("C0123", "1.2").ToString());
        Assert.Null(SlackThread.Parse("no-colon"));
        Assert.Null(SlackThread.Parse(null));
    }
}
