using Klarsicht.Testing.Scoring;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Replay.Tests;

public sealed class ReplayReportTests
{
    private static ScenarioResult Result(string id, string expected, string actual, double confidence, bool culpritOk = true) => new()
    {
        Id = id,
        ExpectedCategory = expected,
        ActualCategory = actual,
        CategoryOk = expected == actual,
        FamilyOk = expected == actual,
        CulpritOk = culpritOk,
        ExpectedCulprit = "Deployment/ns/a",
        ActualCulprit = culpritOk ? "Deployment/ns/a" : "Deployment/ns/b",
        Confidence = confidence,
    };

    [Fact]
    public void Ece_OnAToySet_IsTheCountWeightedGapPerBin()
    {
        // Bin [0.9,1.0): 0.95 and 1.0, both right -> mean 0.975, accuracy 1 -> gap 0.025, weight 2/5.
        // Bin [0.6,0.7): 0.6 right, 0.6 wrong -> mean 0.6, accuracy 0.5 -> gap 0.1, weight 2/5.
        // Bin [0.2,0.3): 0.2 wrong -> mean 0.2, accuracy 0 -> gap 0.2, weight 1/5.
        var answers = new List<(double, bool)> { (0.95, true), (1.0, true), (0.6, true), (0.6, false), (0.2, false) };

        var bins = ReplayReport.Calibrate(answers);
        var ece = ReplayReport.Ece(bins, answers.Count);

        Assert.Equal(10, bins.Count);
        Assert.Equal(2, bins[9].Count);
        Assert.Equal(0.975, bins[9].MeanConfidence, 9);
        Assert.Equal(0.5, bins[6].Accuracy, 9);
        Assert.Equal((0.4 * 0.025) + (0.4 * 0.1) + (0.2 * 0.2), ece, 9);
    }

    [Fact]
    public void Ece_PerfectlyCalibrated_IsZero()
    {
        List<(double, bool)> answers = [.. Enumerable.Range(0, 4).Select(i => (0.75, i != 0)), .. Enumerable.Range(0, 5).Select(_ => (1.0, true))];

        Assert.Equal(0, ReplayReport.Ece(ReplayReport.Calibrate(answers), answers.Count), 9);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.099, 0)]
    [InlineData(0.1, 1)]
    [InlineData(0.95, 9)]
    [InlineData(1.0, 9)]
    public void Bin_EqualWidth_LastBinIncludesOne(double confidence, int bin) =>
        Assert.Equal(bin, ReplayReport.Bin(confidence));

    [Fact]
    public void ConfusionTable_CountsOnlyWrongPairs_MostFrequentFirst()
    {
        var results = new[]
        {
            Result("a", "app_crash", "app_crash", 0.9),
            Result("b", "out_of_memory", "app_crash", 0.8),
            Result("c", "invalid_config", "file_not_found", 0.7),
            Result("d", "invalid_config", "file_not_found", 0.95),
        };

        var table = ReplayReport.ConfusionOf(results);

        Assert.Equal([new Confusion("invalid_config", "file_not_found", 2), new Confusion("out_of_memory", "app_crash", 1)], table);
    }

    [Fact]
    public void Build_SummarisesAccuracyConfidentWrongAndFailures()
    {
        var results = new[]
        {
            Result("a", "app_crash", "app_crash", 0.9),
            Result("b", "out_of_memory", "app_crash", 0.92),
            Result("c", "invalid_config", "invalid_config", 0.7, culpritOk: false),
            Result("d", "unknown", "unknown", 0.3),
        };

        var report = ReplayReport.Build("corpus", MachineInfo.Current, results);

        Assert.Equal(0.75, report.CategoryAccuracy, 9);
        Assert.Equal(0.75, report.CulpritAccuracy, 9);
        Assert.Equal(1, report.ConfidentWrong);
        Assert.Equal(["b", "c"], report.Failures.Select(f => f.Id));
        Assert.False(report.Passed);
    }

    [Fact]
    public void Percentiles_NearestRank()
    {
        var p = Percentiles.Of(Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(50, p.P50);
        Assert.Equal(95, p.P95);
        Assert.Equal(99, p.P99);
        Assert.Equal(100, p.Max);
    }
}

public sealed class MergeTests
{
    [Fact]
    public async Task Merge_PoolsTheResultsOfSavedReports()
    {
        static ScenarioResult R(string id, bool ok, double confidence) => new()
        {
            Id = id, ExpectedCategory = "app_crash", ActualCategory = ok ? "app_crash" : "native_crash", CategoryOk = ok, FamilyOk = true, CulpritOk = true,
            ExpectedCulprit = "Deployment/ns/a", ActualCulprit = "Deployment/ns/a", Confidence = confidence,
        };

        var directory = Directory.CreateTempSubdirectory("klarsicht-merge-").FullName;
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var a = Path.Combine(directory, "a.json");
        var b = Path.Combine(directory, "b.json");
        var pooled = Path.Combine(directory, "pooled.json");
        await File.WriteAllTextAsync(a, System.Text.Json.JsonSerializer.Serialize(ReplayReport.Build("a", MachineInfo.Current, [R("1", true, 0.95), R("2", false, 0.95)]), web));
        await File.WriteAllTextAsync(b, System.Text.Json.JsonSerializer.Serialize(ReplayReport.Build("b", MachineInfo.Current, [R("3", true, 0.95), R("4", true, 0.95)]), web));

        Assert.Equal(0, await ReplayProgram.Main(["--merge", a, b, "--json", pooled]));

        using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(pooled));
        Assert.Equal(4, report.RootElement.GetProperty("scenarios").GetInt32());
        Assert.Equal(0.75, report.RootElement.GetProperty("categoryAccuracy").GetDouble(), 9);
        Assert.Equal(0.2, report.RootElement.GetProperty("expectedCalibrationError").GetDouble(), 9);
    }
}
