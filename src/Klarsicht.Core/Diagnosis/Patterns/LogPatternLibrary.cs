using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Klarsicht.Core.Diagnosis.Patterns;

/// <summary>One phrasing of a failure, loaded from the embedded <c>log-patterns.json</c>.</summary>
public sealed class LogPattern
{
    public LogPattern(string id, string category, double weight, IReadOnlyList<string> keywords, Regex regex)
    {
        Id = id;
        Category = category;
        Weight = weight;
        Keywords = keywords;
        Regex = regex;
    }

    public string Id { get; }

    public string Category { get; }

    public double Weight { get; }

    public IReadOnlyList<string> Keywords { get; }

    public Regex Regex { get; }

    public bool IsGeneric => Category == Rcas.Categories.AppCrash;
}

/// <summary>
/// The log-pattern library. Loaded and parsed once per process; a line is only handed to the regexes whose
/// keywords it contains, found with one vectorised multi-string search, so noise lines cost almost nothing.
/// </summary>
public sealed class LogPatternLibrary
{
    private static readonly Lazy<LogPatternLibrary> DefaultLibrary = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    // Bigram filter: a keyword can only occur in a line that holds every one of its (case-folded) character pairs.
    // Hashing the pairs into a small bit set lets a line that matched one keyword skip the Contains call for
    // almost all the others.
    private const int BigramBits = 2048;
    private const int BigramsPerKeyword = 8;

    private readonly SearchValues<string> _anyKeyword;
    private readonly FrozenDictionary<string, LogPattern[]> _byKeyword;
    private readonly string[] _keywords;
    private readonly int[][] _keywordBigrams;

    public LogPatternLibrary(IReadOnlyList<LogPattern> patterns)
    {
        Patterns = patterns;
        _keywords = patterns.SelectMany(p => p.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _anyKeyword = SearchValues.Create(_keywords, StringComparison.OrdinalIgnoreCase);
        _byKeyword = _keywords.ToFrozenDictionary(
            k => k,
            k => patterns.Where(p => p.Keywords.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        _keywordBigrams = _keywords.Select(SampleBigrams).ToArray();
    }

    public static LogPatternLibrary Default => DefaultLibrary.Value;

    public IReadOnlyList<LogPattern> Patterns { get; }

    /// <summary>The patterns worth running on a line: those one of whose keywords occurs in it.</summary>
    public IReadOnlyList<LogPattern> Candidates(ReadOnlySpan<char> line)
    {
        if (line.IndexOfAny(_anyKeyword) < 0)
        {
            return [];
        }

        Span<ulong> present = stackalloc ulong[BigramBits / 64];
        for (var i = 0; i + 1 < line.Length; i++)
        {
            var h = Bigram(line[i], line[i + 1]);
            present[h >> 6] |= 1UL << (h & 63);
        }

        List<LogPattern>? result = null;
        for (var k = 0; k < _keywords.Length; k++)
        {
            var keyword = _keywords[k];
            var possible = true;
            foreach (var h in _keywordBigrams[k])
            {
                if ((present[h >> 6] & (1UL << (h & 63))) == 0)
                {
                    possible = false;
                    break;
                }
            }

            if (possible && line.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            {
                result ??= [];
                foreach (var pattern in _byKeyword[keyword])
                {
                    if (!result.Contains(pattern))
                    {
                        result.Add(pattern);
                    }
                }
            }
        }

        return (IReadOnlyList<LogPattern>?)result ?? [];
    }

    private static int Bigram(char a, char b) => ((Fold(a) * 131) + Fold(b)) & (BigramBits - 1);

    // ASCII case folding is all OrdinalIgnoreCase needs for the keywords' characters; anything else only ever
    // lets a keyword through to the exact Contains check, never drops one.
    private static int Fold(char c) => c is >= 'A' and <= 'Z' ? c + 32 : c < 128 ? c : 0;

    private static int[] SampleBigrams(string keyword)
    {
        if (keyword.Length < 2 || keyword.Any(c => c >= 128))
        {
            return [];
        }

        var count = Math.Min(BigramsPerKeyword, keyword.Length - 1);
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            var at = count == 1 ? 0 : i * (keyword.Length - 2) / (count - 1);
            result[i] = Bigram(keyword[at], keyword[at + 1]);
        }

        return result;
    }

    public static LogPatternLibrary Load(Stream json)
    {
        var file = JsonSerializer.Deserialize(json, PatternJsonContext.Default.PatternFile)
            ?? throw new InvalidDataException("log-patterns.json is empty");
        var patterns = new List<LogPattern>(file.Patterns.Count);
        foreach (var p in file.Patterns)
        {
            if (!Rcas.Categories.IsKnown(p.Category))
            {
                throw new InvalidDataException($"log pattern {p.Id} names unknown category {p.Category}");
            }

            // Interpreted, not RegexOptions.Compiled: the keyword filter hands a regex only the few lines that can
            // match, so compiling buys at most a few tenths of a millisecond per investigation and costs ~15 MiB of
            // JIT-ed code held for the life of the process (measured with the engine and memory benchmarks).
            var options = RegexOptions.CultureInvariant | RegexOptions.Multiline;
            if (p.IgnoreCase)
            {
                options |= RegexOptions.IgnoreCase;
            }

            patterns.Add(new LogPattern(p.Id, p.Category, p.Weight, p.Keywords, new Regex(p.Regex, options, TimeSpan.FromMilliseconds(50))));
        }

        return new LogPatternLibrary(patterns);
    }

    private static LogPatternLibrary LoadEmbedded()
    {
        using var stream = typeof(LogPatternLibrary).Assembly.GetManifestResourceStream("Klarsicht.Core.log-patterns.json")
            ?? throw new InvalidOperationException("the embedded log-pattern library is missing");
        return Load(stream);
    }

    internal sealed record PatternFile(List<PatternEntry> Patterns);

    internal sealed record PatternEntry(string Id, string Category, double Weight, List<string> Keywords, string Regex, bool IgnoreCase = false);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(LogPatternLibrary.PatternFile))]
internal sealed partial class PatternJsonContext : JsonSerializerContext;
