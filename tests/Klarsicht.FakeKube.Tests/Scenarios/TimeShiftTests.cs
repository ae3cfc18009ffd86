using System.Text.Json.Nodes;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.FakeKube.Tests.Infrastructure;

namespace Klarsicht.FakeKube.Tests.Scenarios;

public sealed class TimeShiftTests
{
    private static readonly TimeSpan OneHourAndOneSecond = TimeSpan.FromSeconds(3601);

    [Theory]
    [InlineData("2026-01-01T11:58:20Z", "2026-01-01T12:58:21Z")]
    [InlineData("2026-01-01T11:53:35.538Z", "2026-01-01T12:53:36.538Z")]
    [InlineData("2026-01-01T11:31:12.593433Z", "2026-01-01T12:31:13.593433Z")]
    [InlineData("2026-01-01T11:31:12.123456789Z", "2026-01-01T12:31:13.123456789Z")]
    [InlineData("2026-01-01T13:00:00+02:00", "2026-01-01T12:00:01Z")]
    [InlineData("2026-12-31T23:30:00Z", "2027-01-01T00:30:01Z")]
    public void TryShift_Rfc3339_KeepsPrecisionAndWritesUtc(string input, string expected)
    {
        Assert.True(TimeShift.TryShift(input, OneHourAndOneSecond, out var shifted));
        Assert.Equal(expected, shifted);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2026-01-01")]
    [InlineData("11:58:20")]
    [InlineData("at 2026-01-01T11:58:20Z")]
    [InlineData("2026-01-01T11:58:20Z trailing")]
    [InlineData("back-off 5m0s restarting failed container")]
    public void TryShift_NotAFullTimestampOrZeroTime_LeavesItAlone(string input)
    {
        Assert.False(TimeShift.TryShift(input, OneHourAndOneSecond, out _));
    }

    [Fact]
    public void Shift_JsonTree_ShiftsNestedTimestampsAndLeavesEverythingElse()
    {
        var node = JsonNode.Parse("""
            {"metadata":{"creationTimestamp":"2026-01-01T11:31:12Z","name":"p","labels":{"a":"2026"}},
             "status":{"containerStatuses":[{"lastState":{"terminated":{"finishedAt":"2026-01-01T11:58:02Z","exitCode":137}}}],
                       "conditions":[{"lastProbeTime":null,"lastTransitionTime":"2026-01-01T11:35:00Z"}]},
             "eventTime":"2026-01-01T11:31:12.593433Z",
             "alerts":[{"startsAt":"2026-01-01T11:45:00Z","endsAt":"0001-01-01T00:00:00Z"}],
             "times":["2026-01-01T11:00:00Z", 42, true]}
            """)!;

        var shifted = TimeShift.Shift(node, OneHourAndOneSecond)!;

        Assert.Equal("2026-01-01T12:31:13Z", (string?)shifted["metadata"]!["creationTimestamp"]);
        Assert.Equal("2026-01-01T12:58:03Z", (string?)shifted["status"]!["containerStatuses"]![0]!["lastState"]!["terminated"]!["finishedAt"]);
        Assert.Equal(137, (int)shifted["status"]!["containerStatuses"]![0]!["lastState"]!["terminated"]!["exitCode"]!);
        Assert.Equal("2026-01-01T12:35:01Z", (string?)shifted["status"]!["conditions"]![0]!["lastTransitionTime"]);
        Assert.Null(shifted["status"]!["conditions"]![0]!["lastProbeTime"]);
        Assert.Equal("2026-01-01T12:31:13.593433Z", (string?)shifted["eventTime"]);
        Assert.Equal("0001-01-01T00:00:00Z", (string?)shifted["alerts"]![0]!["endsAt"]);
        Assert.Equal("2026-01-01T12:00:01Z", (string?)shifted["times"]![0]);
        Assert.Equal("2026", (string?)shifted["metadata"]!["labels"]!["a"]);
        // The input is not changed.
        Assert.Equal("2026-01-01T11:31:12Z", (string?)node["metadata"]!["creationTimestamp"]);
    }

    [Fact]
    public void ShiftScenario_MovesObjectsAlertSamplesAndNowButNotLogText()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(TestCorpus.Directory, "crashloop-deployment.json"));

        var shifted = TimeShift.Shift(scenario, TimeSpan.FromDays(1));

        Assert.Equal(scenario.Now.AddDays(1), shifted.Now);
        Assert.Equal("2026-01-02T11:45:00Z", (string?)shifted.Alert.Payload!["alerts"]![0]!["startsAt"]);
        Assert.Equal("0001-01-01T00:00:00Z", (string?)shifted.Alert.Payload!["alerts"]![0]!["endsAt"]);
        Assert.Equal(scenario.Series[0].Samples[0].Time + 86400, shifted.Series[0].Samples[0].Time);
        Assert.Equal(scenario.Series[0].Samples[0].Value, shifted.Series[0].Samples[0].Value);
        Assert.Equal(scenario.Logs[0].Text, shifted.Logs[0].Text);
        Assert.Equal("2026-01-01T11:31:12Z", (string?)scenario.Objects.First(o => (string?)o["kind"] == "Pod")["metadata"]!["creationTimestamp"]);
        Assert.Equal("2026-01-02T11:31:12Z", (string?)shifted.Objects.First(o => (string?)o["kind"] == "Pod")["metadata"]!["creationTimestamp"]);
    }

    [Fact]
    public void OffsetToNow_IsWallClockMinusScenarioNowInWholeSeconds()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(TestCorpus.Directory, "crashloop-deployment.json"));
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 1, 8, 0, 0, 250, TimeSpan.Zero));

        var offset = TimeShift.OffsetToNow(scenario, clock);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero) - scenario.Now, offset);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
