using Klarsicht.Testing.Scoring;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Replay.Scoring;

/// <summary>One calibration bin: answers whose confidence fell in [Lower, Upper).</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>How often one expected category was answered as another.</summary>
public sealed record Confusion(string Expected, string Actual, int Count);

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Percentiles(0, 0, 0, 0, 0)
            : new Percentiles(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Rank(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() => $"n={Count} p50={P50:0.0} ms p95={P95:0.0} ms p99={P99:0.0} ms max={Max:0.0} ms";
}

/// <summary>Everything a replay prints (and writes with --json).</summary>
public sealed record ReplayReport
{
    public required string Corpus { get; init; }

    public required MachineInfo Machine { get; init; }

    public required int Scenarios { get; init; }

    public required double CategoryAccuracy { get; init; }

    public required double FamilyAccuracy { get; init; }

    public required double CulpritAccuracy { get; init; }

    public required int MustMentionTotal { get; init; }

    public required int MustMentionHits { get; init; }

    public double MustMentionHitRate => MustMentionTotal == 0 ? 1 : (double)MustMentionHits / MustMentionTotal;

    public required int MustNotMentionLeaks { get; init; }

    public required double ExpectedCalibrationError { get; init; }

    public required IReadOnlyList<CalibrationBin> Calibration { get; init; }

    public required int ConfidentWrong { get; init; }

    public required IReadOnlyList<Confusion> ConfusionTable { get; init; }

    public required Percentiles LatencyMs { get; init; }

    public required Percentiles CollectMs { get; init; }

    public double? KubeRequestsPerInvestigation { get; init; }

    public required IReadOnlyList<ScenarioResult> Failures { get; init; }

    public required IReadOnlyList<ScenarioResult> Results { get; init; }

    public bool Passed => CategoryAccuracy >= 1 && CulpritAccuracy >= 1;

    public const double ConfidentThreshold = 0.9;

    public static ReplayReport Build(string corpus, MachineInfo machine, IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double Share(Func<ScenarioResult, bool> ok) => results.Count == 0 ? 0 : (double)results.Count(ok) / results.Count;
        var bins = Calibrate(results.Select(r => (r.Confidence, r.CategoryOk)).ToList());
        var kube = results.Where(r => r.KubeRequests is not null).Select(r => (double)r.KubeRequests!.Value).ToList();
        return new ReplayReport
        {
            Corpus = corpus,
            Machine = machine,
            Scenarios = results.Count,
            CategoryAccuracy = Share(r => r.CategoryOk),
            FamilyAccuracy = Share(r => r.FamilyOk),
            CulpritAccuracy = Share(r => r.CulpritOk),
            MustMentionTotal = results.Sum(r => r.MentionsExpected),
            MustMentionHits = results.Sum(r => r.MentionsExpected - r.MissingMentions.Count),
            MustNotMentionLeaks = results.Sum(r => r.LeakedSecrets.Count),
            ExpectedCalibrationError = Ece(bins, results.Count),
            Calibration = bins,
            ConfidentWrong = results.Count(r => r.Confidence >= ConfidentThreshold && !r.CategoryOk),
            ConfusionTable = ConfusionOf(results),
            LatencyMs = Percentiles.Of(results.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value)),
            CollectMs = Percentiles.Of(results.Where(r => r.CollectMs is not null).Select(r => (double)r.CollectMs!.Value)),
            KubeRequestsPerInvestigation = kube.Count == 0 ? null : kube.Average(),
            Failures = results.Where(r => !r.Ok).ToList(),
            Results = results,
        };
    }

    /// <summary>Ten equal-width bins over [0, 1]; a confidence of exactly 1 falls into the last bin. Empty bins are kept.</summary>
    public static IReadOnlyList<CalibrationBin> Calibrate(IReadOnlyList<(double Confidence, bool Correct)> answers, int binCount = 10)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var bins = new List<CalibrationBin>(binCount);
        for (var b = 0; b < binCount; b++)
        {
            var lower = (double)b / binCount;
            var upper = (double)(b + 1) / binCount;
            var members = answers.Where(a => Bin(a.Confidence, binCount) == b).ToList();
            bins.Add(new CalibrationBin(lower, upper, members.Count,
                members.Count == 0 ? 0 : members.Average(m => m.Confidence),
                members.Count == 0 ? 0 : members.Count(m => m.Correct) / (double)members.Count));
        }

        return bins;
    }

    /// <summary>Expected calibration error: Σ (n_b / N) · |accuracy_b − mean confidence_b|.</summary>
    public static double Ece(IReadOnlyList<CalibrationBin> bins, int total) =>
        total == 0 ? 0 : bins.Sum(b => b.Count / (double)total * Math.Abs(b.Accuracy - b.MeanConfidence));

    public static int Bin(double confidence, int binCount = 10) =>
        Math.Clamp((int)Math.Floor(Math.Clamp(confidence, 0, 1) * binCount), 0, binCount - 1);

    /// <summary>Expected × actual pairs that were confused (category wrong), most frequent first.</summary>
    public static IReadOnlyList<Confusion> ConfusionOf(IEnumerable<ScenarioResult> results) =>
        results.Where(r => !r.CategoryOk)
            .GroupBy(r => (r.ExpectedCategory, r.ActualCategory))
            .Select(g => new Confusion(g.Key.ExpectedCategory, g.Key.ActualCategory, g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Expected, StringComparer.Ordinal).ThenBy(c => c.Actual, StringComparer.Ordinal)
            .ToList();

    public void Print(TextWriter o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.WriteLine($"Corpus: {Corpus} ({Scenarios} scenarios)");
        o.WriteLine($"Machine: {Machine}");
        o.WriteLine();
        o.WriteLine($"category accuracy      {CategoryAccuracy:P1} ({Results.Count(r => r.CategoryOk)}/{Scenarios})");
        o.WriteLine($"family accuracy        {FamilyAccuracy:P1} ({Results.Count(r => r.FamilyOk)}/{Scenarios})");
        o.WriteLine($"culprit accuracy       {CulpritAccuracy:P1} ({Results.Count(r => r.CulpritOk)}/{Scenarios})");
        o.WriteLine($"mustMention hit rate   {MustMentionHitRate:P1} ({MustMentionHits}/{MustMentionTotal})");
        o.WriteLine($"mustNotMention leaks   {MustNotMentionLeaks}");
        o.WriteLine($"ECE (10 bins)          {ExpectedCalibrationError:0.000} (target <= 0.05)");
        o.WriteLine($"confident-wrong        {ConfidentWrong} (confidence >= {ConfidentThreshold:0.0} and category wrong)");
        o.WriteLine($"latency POST->RCA      {LatencyMs}");
        o.WriteLine($"collectMs              {CollectMs}");
        if (KubeRequestsPerInvestigation is { } k)
        {
            o.WriteLine($"kube API requests/inv  {k:0.0}");
        }

        o.WriteLine();
        o.WriteLine("calibration   bin        n   mean conf  accuracy");
        foreach (var b in Calibration.Where(b => b.Count > 0))
        {
            o.WriteLine($"              [{b.Lower:0.0},{b.Upper:0.0}) {b.Count,4}   {b.MeanConfidence,9:0.000}  {b.Accuracy,8:0.000}");
        }

        o.WriteLine();
        if (ConfusionTable.Count == 0)
        {
            o.WriteLine("confusion: none (every category right)");
        }
        else
        {
            o.WriteLine("confusion (expected -> actual: count)");
            foreach (var c in ConfusionTable)
            {
                o.WriteLine($"  {c.Expected,-26} -> {c.Actual,-26} {c.Count}");
            }
        }

        o.WriteLine();
        o.WriteLine(Failures.Count == 0 ? "failures: none" : $"failures ({Failures.Count}):");
        foreach (var f in Failures)
        {
            var why = new List<string>();
            if (!f.CategoryOk)
            {
                why.Add($"category {f.ActualCategory} (expected {f.ExpectedCategory}{(f.AcceptableCategories.Count > 0 ? " or " + string.Join("/", f.AcceptableCategories) : "")})");
            }

            if (!f.CulpritOk)
            {
                why.Add($"culprit {f.ActualCulprit} (expected {f.ExpectedCulprit})");
            }

            if (f.MissingMentions.Count > 0)
            {
                why.Add($"missing mentions [{string.Join(", ", f.MissingMentions)}]");
            }

            if (f.LeakedSecrets.Count > 0)
            {
                why.Add($"LEAKED {f.LeakedSecrets.Count} secret(s)");
            }

            if (f.Error is not null)
            {
                why.Add($"error: {f.Error}");
            }

            o.WriteLine($"  {f.Id} (confidence {f.Confidence:0.00}): {string.Join("; ", why)}");
        }
    }
}
