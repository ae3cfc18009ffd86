namespace Klarsicht.Testing.Prometheus;

/// <summary>
/// Finds <c>prometheus</c> and <c>promtool</c>: <c>KLARSICHT_PROMETHEUS_BIN</c> / <c>KLARSICHT_PROMTOOL_BIN</c>,
/// then <c>PATH</c>, then <c>/usr/bin</c> (Debian's <c>prometheus</c> package).
/// </summary>
public static class PrometheusBinaries
{
    public static string Prometheus => Find("prometheus", "KLARSICHT_PROMETHEUS_BIN");

    public static string Promtool => Find("promtool", "KLARSICHT_PROMTOOL_BIN");

    public static bool AreInstalled => TryFind("prometheus", "KLARSICHT_PROMETHEUS_BIN") is not null && TryFind("promtool", "KLARSICHT_PROMTOOL_BIN") is not null;

    private static string Find(string name, string variable) =>
        TryFind(name, variable) ?? throw new InvalidOperationException(
            $"'{name}' was not found (looked at ${variable}, PATH and /usr/bin). Install the Debian package 'prometheus' " +
            $"(sudo apt-get install -y prometheus, which brings prometheus and promtool) or point ${variable} at the binary.");

    private static string? TryFind(string name, string variable)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
