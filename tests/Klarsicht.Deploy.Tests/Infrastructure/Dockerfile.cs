using System.Text;
using System.Text.RegularExpressions;

namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>A Dockerfile as instructions: comments dropped, continuation lines joined.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> instructions) => Instructions = instructions;

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    public static Dockerfile Load(string relative)
    {
        var instructions = new List<(string, string)>();
        var current = new StringBuilder();
        foreach (var raw in Repo.Read(relative).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1] : line).Append(' ');
            if (continued)
            {
                continue;
            }

            var text = current.ToString().Trim();
            current.Clear();
            if (text.Length > 0)
            {
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(space < 0 ? (text.ToUpperInvariant(), "") : (text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
            }
        }

        return new Dockerfile(instructions);
    }

    public IEnumerable<string> All(string instruction) => Instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    /// <summary>Instructions of the last stage (the image that ships).</summary>
    public Dockerfile FinalStage()
    {
        var last = Instructions.Select((x, i) => (x, i)).Last(p => p.x.Instruction == "FROM").i;
        return new Dockerfile(Instructions.Skip(last).ToList());
    }

    /// <summary>ENV key=value pairs (values may be quoted).</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        All("ENV").SelectMany(a => EnvPair().Matches(a))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["plain"].Value, StringComparer.Ordinal);

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?:"(?<quoted>[^"]*)"|(?<plain>\S*))""")]
    private static partial Regex EnvPair();
}
