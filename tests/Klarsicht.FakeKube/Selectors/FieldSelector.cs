using Klarsicht.FakeKube.Resources;

namespace Klarsicht.FakeKube.Selectors;

/// <summary>
/// A parsed <c>fieldSelector</c> query (<c>f=v</c>, <c>f==v</c>, <c>f!=v</c>, comma-separated and ANDed), checked
/// against the field labels the real API server supports for the resource.
/// </summary>
public sealed class FieldSelector
{
    private sealed record Requirement(string Field, bool Equal, string Value);

    private readonly Requirement[] _requirements;

    private FieldSelector(Requirement[] requirements) => _requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Length == 0;

    /// <exception cref="SelectorException">Bad syntax, or a field label the resource does not support.</exception>
    public static FieldSelector Parse(string? text, KubeResource resource)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            string field;
            string value;
            bool equal;
            int at;
            if ((at = term.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (term[..at], term[(at + 2)..], false);
            }
            else if ((at = term.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (term[..at], term[(at + 2)..], true);
            }
            else if ((at = term.IndexOf('=', StringComparison.Ordinal)) > 0)
            {
                (field, value, equal) = (term[..at], term[(at + 1)..], true);
            }
            else
            {
                throw new SelectorException($"invalid selector: '{text}'; can't understand '{term}'");
            }

            field = field.Trim();
            if (resource.FindFieldLabel(field) is null)
            {
                throw new SelectorException($"field label not supported: {field}");
            }

            requirements.Add(new Requirement(field, equal, value.Trim()));
        }

        return new FieldSelector(requirements.ToArray());
    }

    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var r in _requirements)
        {
            var actual = fields.GetValueOrDefault(r.Field, "");
            if ((actual == r.Value) != r.Equal)
            {
                return false;
            }
        }

        return true;
    }
}
