using Klarsicht.Notifications.Grafana;

namespace Klarsicht.Notifications.Tests.Grafana;

public sealed class GrafanaLinksTests
{
    [Theory]
    [InlineData("https://grafana.example.com/d/k8s-pods/kubernetes-pods?orgId=1", "https://grafana.example.com/d/k8s-pods/kubernetes-pods?orgId=1&viewPanel=4", "k8s-pods", 4L)]
    [InlineData("https://grafana.example.com/d/k8s-pods", "https://grafana.example.com/d/k8s-pods?orgId=1&viewPanel=panel-12", "k8s-pods", 12L)]
    [InlineData("https://example.com/grafana/d/abc123/x", null, "abc123", null)]
    [InlineData(null, "https://grafana.example.com/d/fromPanel/slug?viewPanel=7", "fromPanel", 7L)]
    [InlineData("/d/relative/slug?orgId=1", "/d/relative/slug?viewPanel=2", "relative", 2L)]
    [InlineData("https://grafana.example.com/d-solo/solo/slug?panelId=5", null, "solo", 5L)]
    public void Parse_GrafanaLinks_FindsDashboardUidAndPanelId(string? dashboardUrl, string? panelUrl, string uid, long? panelId)
    {
        var (actualUid, actualPanel) = GrafanaLinks.Parse(dashboardUrl, panelUrl);

        Assert.Equal(uid, actualUid);
        Assert.Equal(panelId, actualPanel);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "  ")]
    [InlineData("https://grafana.example.com/alerting/list", "https://grafana.example.com/explore?viewPanel=4")]
    [InlineData("not a url at all ::", "viewPanel=x")]
    public void Parse_NoDashboard_GivesNeitherUidNorPanel(string? dashboardUrl, string? panelUrl)
    {
        Assert.Equal<(string?, long?)>((null, null), GrafanaLinks.Parse(dashboardUrl, panelUrl));
    }

    [Fact]
    public void Parse_PanelThatIsNotANumber_KeepsTheDashboardOnly()
    {
        Assert.Equal<(string?, long?)>(("uid", null), GrafanaLinks.Parse("https://g/d/uid", "https://g/d/uid?viewPanel=abc"));
    }
}
