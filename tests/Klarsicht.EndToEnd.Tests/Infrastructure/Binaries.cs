namespace Klarsicht.EndToEnd.Tests.Infrastructure;

/// <summary>The Alertmanager binary: <c>KLARSICHT_ALERTMANAGER_BIN</c>, then PATH, then /usr/bin (Debian's <c>prometheus-alertmanager</c>).</summary>
public static class Binaries
{
    public static string Alertmanager
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("KLARSICHT_ALERTMANAGER_BIN");
            if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
            {
                return configured;
            }

            var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin");
            return directories.SelectMany(d => new[] { Path.Combine(d, "prometheus-alertmanager"), Path.Combine(d, "alertmanager") }).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "Alertmanager was not found (looked at $KLARSICHT_ALERTMANAGER_BIN, PATH and /usr/bin for prometheus-alertmanager and alertmanager). " +
                    "Install the Debian package 'prometheus-alertmanager' (sudo apt-get install -y prometheus-alertmanager; tests/run-tests.sh does) " +
                    "or point $KLARSICHT_ALERTMANAGER_BIN at the binary.");
        }
    }
}
