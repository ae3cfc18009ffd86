using System.Text.Json.Nodes;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay.Checking;

namespace Klarsicht.Replay.Tests;

public sealed class CorpusCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-06-15T09:00:00Z");

    private static Scenario Sound(string id = "a", string ns = "shop") => new()
    {
        Id = id,
        Now = Now,
        Alert = new ScenarioAlert("alertmanager", JsonNode.Parse($$"""
            {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"KubePodCrashLooping","namespace":"{{ns}}","pod":"api-1"},
             "annotations":{},"startsAt":"2026-06-15T08:55:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"}]}
            """)),
        Objects = [JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"api-1","namespace":"{{{ns}}}"},"spec":{"containers":[{"name":"api"}]}}""")!.AsObject()],
        Logs = [new ScenarioLog(ns, "api-1", "api", true, "boom\n")],
        Expected = new ScenarioExpected { Category = "app_crash", Culprit = new ScenarioObjectRef("Pod", ns, "api-1") },
    };

    [Fact]
    public void ASoundCorpus_HasNoProblems()
    {
        Assert.Empty(CorpusCheck.Run([Sound("a", "shop"), Sound("b", "billing")]));
    }

    [Fact]
    public void EachBrokenRule_IsNamedWithItsScenario()
    {
        var broken = Sound() with
        {
            Logs = [new ScenarioLog("shop", "api-1", "sidecar", true, "x\n"), new ScenarioLog("shop", "api-2", "api", true, "x\n")],
            Series = [new ScenarioSeries(new Dictionary<string, string> { ["__name__"] = "up" }, [new ScenarioSample(Now.ToUnixTimeSeconds() + 60, 1)])],
            Expected = new ScenarioExpected { Category = "out_of_disk", Culprit = null },
        };

        var problems = CorpusCheck.Run([broken, Sound("b", "shop")]);

        Assert.Contains(problems, p => p.StartsWith("a: ", StringComparison.Ordinal) && p.Contains("container 'sidecar'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pod shop/api-2, which is not among the objects", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("samples after now", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'out_of_disk' is not in the taxonomy", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("culprit needs kind and name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("b: namespace 'shop' is also used by scenario a", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAlertThatNamesNothing_OrATimestampAfterNow_IsAProblem()
    {
        var scenario = Sound() with
        {
            Alert = new ScenarioAlert("alertmanager", JsonNode.Parse("""
                {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Watchdog"},"annotations":{},"startsAt":"2026-06-15T09:05:00Z"}]}
                """)),
        };

        var problems = CorpusCheck.Run([scenario]);

        Assert.Contains(problems, p => p.Contains("names a Kubernetes object", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("timestamp(s) after now", StringComparison.Ordinal));
    }

    [Fact]
    public void ScenariosOfOneCorpus_ShareOneNow()
    {
        var problems = CorpusCheck.Run([Sound("a", "shop"), Sound("b", "billing") with { Now = Now.AddDays(-1) }]);

        Assert.Contains(problems, p => p.StartsWith("b: now is", StringComparison.Ordinal) && p.Contains("one corpus shares one now", StringComparison.Ordinal));
    }
}
