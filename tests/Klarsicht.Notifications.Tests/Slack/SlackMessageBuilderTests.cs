using System.Text.Json;
using Klarsicht.Core.Rcas;
using Klarsicht.Notifications.Delivery;
using Klarsicht.Notifications.Slack;
using Klarsicht.Notifications.Tests.Infrastructure;

namespace Klarsicht.Notifications.Tests.Slack;

public sealed class SlackMessageBuilderTests
{
    private static readonly DateTimeOffset Now = TestRcas.StartsAt.AddMinutes(42);

    /// <summary>The message as Slack would receive it (same JSON as the channel sends).</summary>
    private static JsonElement Wire(SlackMessage message) =>
        JsonSerializer.SerializeToElement(new { text = message.Text, blocks = message.Blocks }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

    private static SlackMessage Build(Rca rca, NotificationKind kind = NotificationKind.NewRca, string? panelUrl = null) =>
        SlackMessageBuilder.Build(Channels.Request(rca, kind) with { PanelUrl = panelUrl, DashboardUrl = panelUrl is null ? null : "https://grafana.example.com/d/k8s-pods" }, Now);

    [Theory]
    [InlineData(NotificationKind.NewRca)]
    [InlineData(NotificationKind.Resolved)]
    [InlineData(NotificationKind.Refired)]
    public void HugeRca_StaysWithinEverySlackLimit(NotificationKind kind)
    {
        var message = Build(TestRcas.Huge(), kind, "https://grafana.example.com/d/k8s-pods?orgId=1&viewPanel=4");
        var wire = Wire(message);

        Assert.Empty(SlackRules.Violations(wire));
        Assert.True(message.CountBlockText() <= SlackLimits.MaxTotalBlockText);
        Assert.Equal(SlackRules.TotalBlockText(wire), message.CountBlockText());
    }

    [Fact]
    public void HugeRca_KeepsTheEssentialsAndCutsGracefully()
    {
        var message = Build(TestRcas.Huge(), panelUrl: "https://grafana.example.com/d/k8s-pods?viewPanel=4");
        var texts = Wire(message).GetProperty("blocks").EnumerateArray().SelectMany(SlackRules.Texts).ToList();

        var header = Assert.IsType<HeaderBlock>(message.Blocks[0]);
        Assert.Equal(SlackLimits.MaxHeaderText, header.Text.Text.Length);
        Assert.EndsWith("…", header.Text.Text, StringComparison.Ordinal);
        Assert.Contains(texts, t => t.StartsWith("*Category*", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("*Confidence*", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("*Root cause:*", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("|Full RCA>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("*Fix*", StringComparison.Ordinal) && t.Contains("more steps in the full RCA", StringComparison.Ordinal));
        Assert.True(message.Text.Length <= SlackLimits.MaxFallbackText);
        // Every code block that was cut is closed again.
        Assert.All(texts, t => Assert.Equal(0, CountFences(t) % 2));
    }

    [Fact]
    public void OverTheTotalBudget_CutsTheLeastImportantSectionAndKeepsTheRest()
    {
        var huge = TestRcas.Huge();
        var rca = huge with
        {
            RootCause = huge.RootCause! with
            {
                Chain = Enumerable.Range(1, 12)
                    .Select(i => new ChainHop("Service", "data", $"hop-{i}", Categories.DependencyUnavailable, new string('h', 400)))
                    .ToList(),
            },
            // Sized so that every section packs close to its own 3000-character limit.
            Evidence = Enumerable.Range(1, 60).Select(i => new EvidenceItem("logs", new string('e', 100), new string('l', 450), null)).ToList(),
            FixSteps = Enumerable.Range(1, 20).Select(i => new FixStep(new string('f', 100), "kubectl get pods -n shop")).ToList(),
        };

        var message = Build(rca, panelUrl: "https://grafana.example.com/d/k8s-pods?viewPanel=4");
        var sections = message.Blocks.OfType<SectionBlock>().Where(b => b.Text is not null).Select(b => b.Text!.Text).ToList();

        Assert.Empty(SlackRules.Violations(Wire(message)));
        Assert.True(message.CountBlockText() <= SlackMessageBuilder.TotalBudget, $"{message.CountBlockText()} characters");
        Assert.Contains(sections, t => t.StartsWith("*Root cause:*", StringComparison.Ordinal));
        Assert.Contains(sections, t => t.StartsWith("*Fix*", StringComparison.Ordinal));
        Assert.Contains(sections, t => t.StartsWith("*Cascade*", StringComparison.Ordinal));
        Assert.IsType<ContextBlock>(message.Blocks[^1]);
        // Evidence ranks lowest, so it is what got cut (its "…and N more" tail went with the cut) or dropped.
        var evidence = sections.SingleOrDefault(t => t.StartsWith("*Evidence*", StringComparison.Ordinal));
        Assert.True(evidence is null || !evidence.Contains("more evidence items", StringComparison.Ordinal), "evidence was cut to make room");
    }

    [Fact]
    public void OrdinaryRca_HasHeaderFieldsCauseEvidenceFixAndLinks()
    {
        var message = Build(TestRcas.OutOfMemory(), panelUrl: "https://grafana.example.com/d/k8s-pods?orgId=1&viewPanel=4");
        var wire = Wire(message);

        Assert.Empty(SlackRules.Violations(wire));
        Assert.Equal(["header", "section", "section", "section", "divider", "section", "context"],
            wire.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        var fields = Assert.IsType<SectionBlock>(message.Blocks[1]).Fields!;
        Assert.Contains(fields, f => f.Text == "*Category*\n`out_of_memory`");
        Assert.Contains(fields, f => f.Text == "*Confidence*\n86 %");
        var all = SlackRules.AllText(wire);
        Assert.Contains("*Evidence*", all, StringComparison.Ordinal);
        Assert.Contains("```kubectl -n shop set resources deployment/checkout-api -c api --limits=memory=512Mi```", all, StringComparison.Ordinal);
        Assert.Contains("<https://klarsicht.example.com/api/v1/rcas/rca-42|Full RCA>", all, StringComparison.Ordinal);
        Assert.Contains("<https://grafana.example.com/d/k8s-pods?orgId=1&amp;viewPanel=4|Grafana panel>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("*Cascade*", all, StringComparison.Ordinal);
        Assert.StartsWith("RCA: KubePodCrashLooping shop/checkout-api-6d8f7c9b5-x7k2p: `out_of_memory` (86 %)", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Cascade_IsShownWhenTheChainHasHops()
    {
        var rca = TestRcas.OutOfMemory() with
        {
            RootCause = TestRcas.OutOfMemory().RootCause! with
            {
                Chain =
                [
                    new ChainHop("Pod", "shop", "checkout-api-x", Categories.DependencyUnavailable, "connection refused to postgres:5432"),
                    new ChainHop("StatefulSet", "data", "postgres", Categories.OutOfMemory, "OOMKilled"),
                ],
            },
        };

        var all = SlackRules.AllText(Wire(Build(rca)));

        Assert.Contains("*Cascade*", all, StringComparison.Ordinal);
        Assert.Contains("1. Pod `shop/checkout-api-x` · `dependency_unavailable` connection refused to postgres:5432", all, StringComparison.Ordinal);
        Assert.Contains("2. StatefulSet `data/postgres` · `out_of_memory` OOMKilled", all, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideText_IsEscapedForMrkdwn()
    {
        var rca = TestRcas.OutOfMemory() with
        {
            RootCause = TestRcas.OutOfMemory().RootCause! with { Summary = "Payload <script>alert('x')</script> & <!channel>" },
            Evidence = [new EvidenceItem("logs", "<b>bold</b> & co", "GET /?a=1&b=<2> ```escape``` <@U123>", null)],
        };

        var message = Build(rca);
        var all = SlackRules.AllText(Wire(message));

        Assert.Contains("Payload &lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;!channel&gt;", all, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; co", all, StringComparison.Ordinal);
        Assert.Contains("GET /?a=1&amp;b=&lt;2&gt; ˋˋˋescapeˋˋˋ &lt;@U123&gt;", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U123>", all, StringComparison.Ordinal);
        // The only raw '<' left are our own links.
        Assert.All(all.Split('<').Skip(1), part => Assert.StartsWith("https://", part, StringComparison.Ordinal));
    }

    [Fact]
    public void PlantedSecrets_AreRedactedEverywhere()
    {
        foreach (var kind in Enum.GetValues<NotificationKind>())
        {
            var json = Wire(Build(TestRcas.WithPlantedSecrets(), kind)).GetRawText();
            foreach (var fragment in TestRcas.SecretFragments)
            {
                Assert.DoesNotContain(fragment, json, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Resolved_IsShortAndSaysHowLongItTook()
    {
        var message = Build(TestRcas.OutOfMemory(), NotificationKind.Resolved);

        Assert.True(message.Blocks.Count <= 2);
        Assert.Equal("Resolved after 42 min: KubePodCrashLooping shop/checkout-api-6d8f7c9b5-x7k2p", message.Text);
        Assert.Contains("*Resolved* after 42 min", SlackRules.AllText(Wire(message)), StringComparison.Ordinal);
    }

    [Fact]
    public void FailedInvestigation_StillBuildsAValidMessage()
    {
        var rca = TestRcas.OutOfMemory() with
        {
            Status = RcaStatus.Failed, RootCause = null, Confidence = null, Evidence = null, FixSteps = null, Target = null,
            Error = "kubernetes API unreachable",
        };

        var message = Build(rca);

        Assert.Empty(SlackRules.Violations(Wire(message)));
        Assert.Contains("*Investigation failed:* kubernetes API unreachable", SlackRules.AllText(Wire(message)), StringComparison.Ordinal);
        Assert.Equal("KubePodCrashLooping: shop/checkout-api-6d8f7c9b5-x7k2p", Assert.IsType<HeaderBlock>(message.Blocks[0]).Text.Text);
    }

    [Fact]
    public void Truncate_NeverSplitsEntitiesOrLinksAndClosesCodeBlocks()
    {
        Assert.Equal("abc…", SlackMrkdwn.Truncate("abc &amp; def ghi", 9));
        Assert.Equal("see…", SlackMrkdwn.Truncate("see<https://example.com|link> and more", 20));
        var cut = SlackMrkdwn.Truncate("intro\n```" + new string('x', 100) + "```", 40);
        Assert.True(cut.Length <= 40);
        Assert.EndsWith("…\n```", cut, StringComparison.Ordinal);
        Assert.Equal(2, CountFences(cut));
        Assert.Equal("short", SlackMrkdwn.Truncate("short", 10));
    }

    [Fact]
    public void FifteenEvidenceItems_ShowsTheStrongestFiveAndCountsTheRest()
    {
        var rca = TestRcas.OutOfMemory() with
        {
            Evidence = Enumerable.Range(1, 15).Select(i => new EvidenceItem("events", $"event {i}", null, null)).ToList(),
        };

        var all = SlackRules.AllText(Wire(Build(rca)));

        Assert.Contains("event 5", all, StringComparison.Ordinal);
        Assert.DoesNotContain("event 6", all, StringComparison.Ordinal);
        Assert.Contains("…and 10 more evidence items in the full RCA.", all, StringComparison.Ordinal);
    }

    private static int CountFences(string text)
    {
        var count = 0;
        for (var i = text.IndexOf("```", StringComparison.Ordinal); i >= 0; i = text.IndexOf("```", i + 3, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
