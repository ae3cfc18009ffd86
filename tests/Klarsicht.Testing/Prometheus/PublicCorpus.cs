namespace Klarsicht.Testing;

/// <summary>
/// Finds the public scenario corpus: <c>KLARSICHT_PUBLIC_CORPUS</c>, else the first <c>shared/scenarios/public</c>
/// walking up from the test assembly's directory. Null when it is not there (tests then skip with a message).
/// </summary>
public static class PublicCorpus
{
    public const string Variable = "KLARSICHT_PUBLIC_CORPUS";

    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "scenarios", "public");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The path of one scenario file of the corpus, or null.</summary>
    public static string? File(string name) =>
        Find() is { } dir && System.IO.File.Exists(Path.Combine(dir, name)) ? Path.Combine(dir, name) : null;
}
