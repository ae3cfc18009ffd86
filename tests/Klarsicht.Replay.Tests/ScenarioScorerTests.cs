using Klarsicht.Testing.Scoring;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Replay.Tests;

public sealed class ScenarioScorerTests
{
    private static readonly ScenarioExpected Expected = new()
    {
        Category = Categories.OutOfMemory,
        AcceptableCategories = [Categories.ResourceExhaustion],
        Culprit = new ScenarioObjectRef("Deployment", "shop-a1", "api"),
        AcceptableCulprits = [new ScenarioObjectRef("Pod", "shop-a1", "api-7d9f8b-x2k")],
        MustMention = ["512Mi"],
        MustNotMention = ["hunter2"],
    };

    private static Rca Completed(string category, Culprit culprit, string summary = "api was OOMKilled at its 512Mi limit", double confidence = 0.9, string? evidence = null) => new()
    {
        Id = "1",
        Status = RcaStatus.Completed,
        Source = "alertmanager",
        ReceivedAt = DateTimeOffset.UnixEpoch,
        RootCause = new RootCause(category, summary, "detail", culprit, []),
        Confidence = confidence,
        Evidence = evidence is null ? [] : [new EvidenceItem("logs", evidence, null, null)],
    };

    [Fact]
    public void Score_CulpritIsTheWorkload_IsCorrect()
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.OutOfMemory, new Culprit("Deployment", "shop-a1", "api")));

        Assert.True(result.CategoryOk);
        Assert.True(result.CulpritOk);
        Assert.True(result.Ok);
    }

    [Fact]
    public void Score_CulpritIsAnAcceptablePod_IsCorrect()
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.OutOfMemory, new Culprit("Pod", "shop-a1", "api-7d9f8b-x2k")));

        Assert.True(result.CulpritOk);
    }

    [Theory]
    [InlineData("Deployment", "shop-a2", "api")]
    [InlineData("StatefulSet", "shop-a1", "api")]
    [InlineData("Deployment", null, "api")]
    [InlineData("Pod", "shop-a1", "api-other")]
    public void Score_CulpritDiffersInKindNamespaceOrName_IsWrong(string kind, string? ns, string name)
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.OutOfMemory, new Culprit(kind, ns, name)));

        Assert.False(result.CulpritOk);
        Assert.False(result.Ok);
    }

    [Fact]
    public void Score_AcceptableCategory_CountsAsCorrect()
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.ResourceExhaustion, new Culprit("Deployment", "shop-a1", "api")));

        Assert.True(result.CategoryOk);
        Assert.True(result.FamilyOk);
    }

    [Fact]
    public void Score_WrongCategoryInTheSameFamily_IsFamilyRightCategoryWrong()
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.NodePressure, new Culprit("Deployment", "shop-a1", "api")));

        Assert.False(result.CategoryOk);
        Assert.True(result.FamilyOk);
    }

    [Fact]
    public void Score_MustMentionOnlyInEvidence_IsFound()
    {
        var result = ScenarioScorer.Score("s", Expected, Completed(Categories.OutOfMemory, new Culprit("Deployment", "shop-a1", "api"), summary: "api was OOMKilled", evidence: "limit is 512mi"));

        Assert.Empty(result.MissingMentions);
    }

    [Fact]
    public void Score_SecretAnywhereInTheRca_IsALeak()
    {
        var rca = Completed(Categories.OutOfMemory, new Culprit("Deployment", "shop-a1", "api")) with
        {
            FixSteps = [new FixStep("rotate", "kubectl create secret generic db --from-literal=password=hunter2")],
        };

        var result = ScenarioScorer.Score("s", Expected, rca);

        Assert.Equal(["hunter2"], result.LeakedSecrets);
        Assert.False(result.Ok);
    }

    [Fact]
    public void Score_FailedRca_IsWrongEverywhere()
    {
        var rca = new Rca { Id = "1", Status = RcaStatus.Failed, Source = "alertmanager", ReceivedAt = DateTimeOffset.UnixEpoch, Error = "deadline" };

        var result = ScenarioScorer.Score("s", Expected, rca);

        Assert.Equal(ScenarioScorer.Failed, result.ActualCategory);
        Assert.False(result.CategoryOk);
        Assert.False(result.CulpritOk);
        Assert.Equal(["512Mi"], result.MissingMentions);
    }
}
