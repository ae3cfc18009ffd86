using System.Text;
using System.Text.RegularExpressions;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Diagnosis.Patterns;

/// <summary>A pattern that matched one log line, with what it extracted.</summary>
public sealed record LogHit(
    ContainerLog Log,
    int LineNumber,
    string Line,
    LogPattern Pattern,
    IReadOnlyDictionary<string, string> Entities,
    bool IsRetry)
{
    /// <summary>How much the hit counts: retries and warnings are context, not causes.</summary>
    public double Weight => IsRetry ? Pattern.Weight * 0.6 : Pattern.Weight;

    public string? Entity(string name) => Entities.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Runs the pattern library over container logs, one pass per log.</summary>
public static partial class LogScanner
{
    [GeneratedRegex(@"\b(?:retry(?:ing)?|retries|will retry|attempt \d+\s*(?:/|of)\s*\d+|backing off|reconnect(?:ing)?|trying again)\b|^\s*(?:\S+\s+){0,3}\[?(?:WARN(?:ING)?|W)\]?[\s:]|""level""\s*:\s*""warn(?:ing)?""|""level""\s*:\s*40\b|level=warn", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RetryOrWarning();

    [GeneratedRegex(@"attempt (?<n>\d+)\s*(?:/|of)\s*(?<m>\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AttemptCounter();

    public static IReadOnlyList<LogHit> Scan(ContainerLog log, LogPatternLibrary library)
    {
        var hits = new List<LogHit>();
        for (var i = 0; i < log.Lines.Count; i++)
        {
            var raw = log.Lines[i];
            if (raw.Length == 0)
            {
                continue;
            }

            var candidates = library.Candidates(raw);
            if (candidates.Count == 0)
            {
                continue;
            }

            var line = Unescape(raw);
            LogHit? best = null;
            foreach (var pattern in candidates)
            {
                if (TryMatch(pattern.Regex, line) is not { } match)
                {
                    continue;
                }

                if (!match.Success)
                {
                    continue;
                }

                var hit = new LogHit(log, i + 1, raw, pattern, Extract(pattern.Regex, match), IsRetry(line));
                if (best is null || hit.Pattern.Weight > best.Pattern.Weight)
                {
                    best = hit;
                }
            }

            if (best is not null)
            {
                hits.Add(best);
            }
        }

        return hits;
    }

    // The timeout guards against a pathological line, but on a busy machine a thread descheduled in the middle of
    // an ordinary match can exceed the budget too, so one timeout earns one retry.
    private static Match? TryMatch(Regex regex, string line)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                return regex.Match(line);
            }
            catch (RegexMatchTimeoutException)
            {
            }
        }

        return null;
    }

    // A final attempt ("attempt 5/5") is the give-up, not a retry.
    private static bool IsRetry(string line)
    {
        if (!RetryOrWarning().IsMatch(line))
        {
            return false;
        }

        var attempt = AttemptCounter().Match(line);
        return !(attempt.Success && attempt.Groups["n"].Value == attempt.Groups["m"].Value && !line.Contains("retrying", StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string> Extract(Regex regex, Match match)
    {
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in regex.GetGroupNames())
        {
            if (char.IsDigit(name[0]))
            {
                continue;
            }

            var group = match.Groups[name];
            if (!group.Success || group.Value.Length == 0)
            {
                continue;
            }

            var key = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
            entities.TryAdd(key, group.Value.Trim());
        }

        return entities;
    }

    // JSON-structured log lines escape quotes and newlines inside their string values; the patterns are
    // written for the plain text, so undo the escaping once before matching.
    internal static string Unescape(string line)
    {
        if (line.IndexOf('\\', StringComparison.Ordinal) < 0 || line.TrimStart().Length == 0 || line.TrimStart()[0] != '{')
        {
            return line;
        }

        var builder = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                var next = line[i + 1];
                switch (next)
                {
                    case '"': builder.Append('"'); i++; continue;
                    case '\\': builder.Append('\\'); i++; continue;
                    case 'n': builder.Append('\n'); i++; continue;
                    case 't': builder.Append(' '); i++; continue;
                    case '/': builder.Append('/'); i++; continue;
                }
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
