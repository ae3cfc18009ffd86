using System.Text.RegularExpressions;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>Host names in a log line, for a finding whose pattern did not capture one.</summary>
internal static partial class Endpoints
{
    [GeneratedRegex(@"\b[a-z][a-z0-9+.\-]*://(?:[^@/\s'""]*@)?(?<host>[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9])(?::(?<port>\d{1,5}))?", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    /// <summary>The one host a line names in a URL, or null when it names none or several.</summary>
    public static (string Host, string? Port)? HostOf(string line)
    {
        (string Host, string? Port)? found = null;
        foreach (Match m in Url().Matches(line))
        {
            var host = m.Groups["host"].Value.ToLowerInvariant();
            if (host is "localhost" || (found is { } f && f.Host != host))
            {
                if (found is { } other && other.Host != host)
                {
                    return null;
                }

                continue;
            }

            found = (host, m.Groups["port"].Success ? m.Groups["port"].Value : null);
        }

        return found;
    }

    // Client libraries that report a refused connection without the address: which protocol they speak, its
    // default port and the words a spec uses to configure it (env names such as DB_HOST, REDIS_URL).
    private static readonly (string Protocol, string[] Said, int Port, string[] Configured)[] Protocols =
    [
        ("mysql", ["mysql", "mariadb", "sqlstate[hy000] [2002]"], 3306, ["MYSQL", "MARIADB", "DB_", "DATABASE"]),
        ("postgres", ["postgres", "psql", "pgx", "npgsql", "sqlstate[08"], 5432, ["POSTGRES", "PGHOST", "PG_", "DB_", "DATABASE"]),
        ("redis", ["redis"], 6379, ["REDIS"]),
        ("kafka", ["kafka"], 9092, ["KAFKA", "BROKER"]),
        ("amqp", ["amqp", "rabbitmq"], 5672, ["RABBIT", "AMQP"]),
        ("mongodb", ["mongo"], 27017, ["MONGO"]),
    ];

    /// <summary>The protocol a failure line (or its pattern) speaks, when it says so.</summary>
    public static string? ProtocolOf(string? pattern, string? line)
    {
        var said = $"{pattern} {line}".ToLowerInvariant();
        var matches = Protocols.Where(p => p.Said.Any(w => said.Contains(w, StringComparison.Ordinal))).Select(p => p.Protocol).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Whether a configured dependency is the protocol's: its default port, or an env name that says so.</summary>
    public static bool Serves(DependencyReference reference, string protocol)
    {
        var (_, said, port, configured) = Protocols.First(p => p.Protocol == protocol);
        if (reference.Port is { } p)
        {
            return p == port;
        }

        var env = reference.Source.StartsWith("env ", StringComparison.Ordinal) ? reference.Source.Split(' ')[1].ToUpperInvariant() : string.Empty;
        return configured.Any(w => env.Contains(w, StringComparison.Ordinal)) || said.Any(w => reference.Host.Contains(w, StringComparison.OrdinalIgnoreCase));
    }
}
