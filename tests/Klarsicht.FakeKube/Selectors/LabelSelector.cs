namespace Klarsicht.FakeKube.Selectors;

/// <summary>
/// A parsed <c>labelSelector</c> query: equality (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>), set-based
/// (<c>a in (x,y)</c>, <c>a notin (x)</c>) and existence (<c>a</c>, <c>!a</c>), comma-separated and ANDed.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

    private sealed record Requirement(string Key, Op Op, string[] Values);

    private readonly Requirement[] _requirements;

    private LabelSelector(Requirement[] requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Length == 0;

    /// <exception cref="SelectorException">The selector does not parse.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new LabelSelector(SplitTopLevel(text).Select(ParseRequirement).ToArray());
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Op switch
            {
                Op.Equals => has && value == r.Values[0],
                Op.NotEquals => !has || value != r.Values[0],
                Op.In => has && r.Values.Contains(value),
                Op.NotIn => !has || !r.Values.Contains(value),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var term = raw.Trim();
        if (term.Length == 0)
        {
            throw Invalid(raw, "found '', expected: !, identifier, or 'end of string'");
        }

        if (term[0] == '!')
        {
            return new Requirement(Key(term[1..].Trim(), raw), Op.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = term[(at + token.Length)..].Trim();
                return new Requirement(Key(term[..at].Trim(), raw), op, [value]);
            }
        }

        var space = term.IndexOfAny([' ', '\t']);
        if (space < 0)
        {
            return new Requirement(Key(term, raw), Op.Exists, []);
        }

        var key = Key(term[..space], raw);
        var rest = term[space..].TrimStart();
        Op setOp;
        if (rest.StartsWith("notin", StringComparison.Ordinal))
        {
            setOp = Op.NotIn;
            rest = rest[5..].Trim();
        }
        else if (rest.StartsWith("in", StringComparison.Ordinal))
        {
            setOp = Op.In;
            rest = rest[2..].Trim();
        }
        else
        {
            throw Invalid(raw, $"found '{rest}', expected: in, notin, =, ==, !=, gt, lt");
        }

        if (rest.Length < 2 || rest[0] != '(' || rest[^1] != ')')
        {
            throw Invalid(raw, "found '" + rest + "', expected: '('");
        }

        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries);
        return new Requirement(key, setOp, values);
    }

    private static string Key(string key, string raw) =>
        key.Length == 0 || key.Any(char.IsWhiteSpace) ? throw Invalid(raw, $"invalid label key \"{key}\"") : key;

    private static SelectorException Invalid(string raw, string why) =>
        new($"unable to parse requirement: {raw.Trim()}: {why}");
}
