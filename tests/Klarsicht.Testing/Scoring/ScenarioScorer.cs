using System.Text.Json;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.Testing.Scoring;

/// <summary>One scenario's RCA against its expectation, plus how long it took to get it.</summary>
public sealed record ScenarioResult
{
    public required string Id { get; init; }

    public required string ExpectedCategory { get; init; }

    public IReadOnlyList<string> AcceptableCategories { get; init; } = [];

    /// <summary>The RCA's category, or <c>(failed)</c> / <c>(timeout)</c> when there was no completed RCA.</summary>
    public required string ActualCategory { get; init; }

    public required bool CategoryOk { get; init; }

    public required bool FamilyOk { get; init; }

    public required bool CulpritOk { get; init; }

    public required string ExpectedCulprit { get; init; }

    public required string ActualCulprit { get; init; }

    public int MentionsExpected { get; init; }

    public IReadOnlyList<string> MissingMentions { get; init; } = [];

    public IReadOnlyList<string> LeakedSecrets { get; init; } = [];

    /// <summary>The RCA's confidence; 0 when there was none.</summary>
    public double Confidence { get; init; }

    public string Summary { get; init; } = "";

    public string? Error { get; init; }

    /// <summary>Webhook POST to the completed RCA as the poller saw it.</summary>
    public double? LatencyMs { get; init; }

    public long? CollectMs { get; init; }

    public long? DiagnoseMs { get; init; }

    /// <summary>Fake Kubernetes API requests made for this scenario's investigation (sequential replay only).</summary>
    public long? KubeRequests { get; init; }

    public bool Ok => CategoryOk && CulpritOk && MissingMentions.Count == 0 && LeakedSecrets.Count == 0;
}

/// <summary>
/// Scores an RCA the way the corpus defines it (shared/scenarios/FORMAT.md): the category matches <c>category</c>
/// or one of <c>acceptableCategories</c>; the culprit's kind, namespace and name match <c>culprit</c> or one of
/// <c>acceptableCulprits</c>; every <c>mustMention</c> appears (case-insensitively) in the summary, detail or
/// evidence; no <c>mustNotMention</c> appears anywhere in the stored RCA.
/// </summary>
public static class ScenarioScorer
{
    public const string Failed = "(failed)";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <param name="rawJson">The RCA as the API returned it; searched for secrets (serialised from <paramref name="rca"/> when null).</param>
    public static ScenarioResult Score(string id, ScenarioExpected expected, Rca rca, string? rawJson = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(rca);
        var all = rawJson ?? JsonSerializer.Serialize(rca, Web);
        var leaked = Leaks(expected, all);
        if (rca.Status != RcaStatus.Completed || rca.RootCause is null)
        {
            return NoRca(id, expected, rca.Error ?? $"status {rca.Status}") with { LeakedSecrets = leaked };
        }

        var root = rca.RootCause;
        var categoryOk = CategoryMatches(expected, root.Category);
        var familyOk = FamilyMatches(expected, root.Category);
        var culpritOk = CulpritMatches(expected, root.Culprit.Kind, root.Culprit.Namespace, root.Culprit.Name);
        var text = string.Join("\n", new[] { root.Summary, root.Detail }.Concat((rca.Evidence ?? []).Select(e => $"{e.Summary}\n{e.Detail}")));
        var missing = expected.MustMention.Where(m => !text.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
        return new ScenarioResult
        {
            Id = id,
            ExpectedCategory = expected.Category,
            AcceptableCategories = expected.AcceptableCategories,
            ActualCategory = root.Category,
            CategoryOk = categoryOk,
            FamilyOk = familyOk,
            CulpritOk = culpritOk,
            ExpectedCulprit = ExpectedCulprit(expected),
            ActualCulprit = Describe(root.Culprit.Kind, root.Culprit.Namespace, root.Culprit.Name),
            MentionsExpected = expected.MustMention.Count,
            MissingMentions = missing,
            LeakedSecrets = leaked,
            Confidence = rca.Confidence ?? 0,
            Summary = root.Summary,
            CollectMs = rca.Durations?.CollectMs,
            DiagnoseMs = rca.Durations?.DiagnoseMs,
        };
    }

    /// <summary>A scenario that produced no RCA at all (the POST failed, or polling timed out).</summary>
    public static ScenarioResult NoRca(string id, ScenarioExpected expected, string error) => new()
    {
        Id = id,
        ExpectedCategory = expected.Category,
        AcceptableCategories = expected.AcceptableCategories,
        ActualCategory = Failed,
        CategoryOk = false,
        FamilyOk = false,
        CulpritOk = false,
        ExpectedCulprit = ExpectedCulprit(expected),
        ActualCulprit = "(none)",
        MentionsExpected = expected.MustMention.Count,
        MissingMentions = expected.MustMention,
        Error = error,
    };

    private static string ExpectedCulprit(ScenarioExpected expected) =>
        expected.Culprit is { } c ? Describe(c.Kind, c.Namespace, c.Name) : "(none)";

    public static bool CategoryMatches(ScenarioExpected expected, string actual) =>
        actual == expected.Category || expected.AcceptableCategories.Contains(actual);

    /// <summary>The family is right when the answer's family is that of the expected or an acceptable category.</summary>
    public static bool FamilyMatches(ScenarioExpected expected, string actual) =>
        CategoryMatches(expected, actual) ||
        new[] { expected.Category }.Concat(expected.AcceptableCategories).Any(c => Categories.FamilyOf(c) == Categories.FamilyOf(actual));

    public static bool CulpritMatches(ScenarioExpected expected, string kind, string? ns, string name) =>
        (expected.Culprit is null ? expected.AcceptableCulprits : expected.AcceptableCulprits.Prepend(expected.Culprit))
        .Any(c => c.Kind == kind && c.Name == name && (c.Namespace ?? string.Empty) == (ns ?? string.Empty));

    private static List<string> Leaks(ScenarioExpected expected, string all) =>
        expected.MustNotMention.Where(s => s.Length > 0 && (all.Contains(s, StringComparison.Ordinal) ||
            all.Contains(JsonSerializer.Serialize(s, Web).Trim('"'), StringComparison.Ordinal))).ToList();

    private static string Describe(string kind, string? ns, string name) => ns is null or "" ? $"{kind}/{name}" : $"{kind}/{ns}/{name}";
}
