using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Kubernetes.Dependencies;

/// <summary>
/// Finds the hosts an app names: in env values (URLs, host:port, *_HOST) and in its log lines. Values are
/// read here and dropped; only host, port and where they were seen leave this class.
/// </summary>
internal static partial class DependencyExtractor
{
    [GeneratedRegex(@"\b[a-z][a-z0-9+.\-]*://(?:[^@/\s'""]*@)?(?<host>\[[0-9a-f:]+\]|[A-Za-z0-9][A-Za-z0-9.\-]*)(?::(?<port>\d{1,5}))?", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\w.\-/@:])(?<host>[A-Za-z][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*|\d{1,3}(?:\.\d{1,3}){3}):(?<port>\d{2,5})\b(?![.:]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex HostPort();

    [GeneratedRegex(@"(?:server at|host) ""(?<host>[^""]+)""(?: \([^)]*\))?, port (?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex LibpqHost();

    // ADO.NET / JDBC-style key=value connection strings: Server=db;Port=3306 or Host=db,5432 or Data Source=tcp:db,1433.
    [GeneratedRegex(@"(?:^|;)\s*(?:Server|Host|Data Source|Address|Addr|Network Address|Hostname)\s*=\s*(?:tcp:)?(?<host>[A-Za-z0-9][A-Za-z0-9.\-]*)(?:[,:](?<port>\d{1,5}))?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringHost();

    [GeneratedRegex(@"(?:^|;)\s*Port\s*=\s*(?<port>\d{1,5})", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPort();

    // gRPC target syntax: dns:///host:port, dns:host:port, dns://authority/host:port.
    [GeneratedRegex(@"\bdns:(?://[^/\s]*/)?/*(?<host>[A-Za-z][A-Za-z0-9.\-]*)(?::(?<port>\d{1,5}))?", RegexOptions.CultureInvariant)]
    private static partial Regex GrpcTarget();

    [GeneratedRegex(@"(?:_HOST|_HOSTNAME|_SERVER|_SERVERS|_ADDR|_ADDRESS|_BROKERS?|_BOOTSTRAP(?:_SERVERS)?|_URL|_URI|_URLS|_ENDPOINT|_DSN|_HOSTS|_NODES|_TARGET)$", RegexOptions.CultureInvariant)]
    private static partial Regex HostKey();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    private static readonly HashSet<string> Ignored = new(StringComparer.OrdinalIgnoreCase)
    {
        "localhost", "0.0.0.0", "127.0.0.1", "::", "::1", "host", "hostname", "example", "node", "http", "https", "tcp", "udp", "at", "line",
    };

    // Stack frames (app.py:58, Main.java:42) look like host:port too.
    private static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "scala", "go", "rb", "cs", "php", "c", "cc", "cpp", "h", "rs", "json", "yaml", "yml",
        "conf", "log", "txt", "jar", "so", "ex", "exs", "erl", "swift", "pl", "lua", "sh", "html", "xml", "toml", "ini", "properties", "class", "dll",
    };

    public static List<DependencyReference> FromEnv(V1Container container)
    {
        var refs = new List<DependencyReference>();
        foreach (var env in container.Env ?? [])
        {
            if (string.IsNullOrWhiteSpace(env.Value))
            {
                continue;
            }

            var source = $"env {env.Name} of container {container.Name}";
            var before = refs.Count;
            if (ConnectionStringHost().Match(env.Value) is { Success: true } cs)
            {
                var port = Port(cs) ?? (ConnectionStringPort().Match(env.Value) is { Success: true } p ? Port(p) : null);
                Add(refs, cs.Groups["host"].Value, port, source);
                continue;
            }

            foreach (var part in env.Value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                AddFrom(part, source, refs);
            }

            if (refs.Count == before && HostKey().IsMatch(env.Name) && HostName().IsMatch(env.Value.Trim()))
            {
                Add(refs, env.Value.Trim(), null, source);
            }
        }

        return refs;
    }

    public static List<DependencyReference> FromLog(ContainerLog log)
    {
        var refs = new List<DependencyReference>();
        for (var i = 0; i < log.Lines.Count; i++)
        {
            var line = log.Lines[i];
            if (line.Length == 0 || (!line.Contains(':', StringComparison.Ordinal) && !line.Contains("port", StringComparison.Ordinal)))
            {
                continue;
            }

            AddFrom(line, $"line {i + 1} of the {(log.Previous ? "previous" : "current")} log of container {log.Container}", refs);
        }

        return refs;
    }

    private static void AddFrom(string text, string source, List<DependencyReference> refs)
    {
        foreach (Match m in GrpcTarget().Matches(text))
        {
            Add(refs, m.Groups["host"].Value, Port(m), source);
        }

        foreach (Match m in LibpqHost().Matches(text))
        {
            Add(refs, m.Groups["host"].Value, Port(m), source);
        }

        foreach (Match m in Url().Matches(text))
        {
            Add(refs, m.Groups["host"].Value, Port(m), source);
        }

        var withoutUrls = Url().Replace(text, " ");
        foreach (Match m in HostPort().Matches(withoutUrls))
        {
            Add(refs, m.Groups["host"].Value, Port(m), source);
        }
    }

    private static int? Port(Match m) =>
        m.Groups["port"].Success && int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;

    private static void Add(List<DependencyReference> refs, string host, int? port, string source)
    {
        host = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (host.Length < 2 || Ignored.Contains(host) || host.All(char.IsDigit))
        {
            return;
        }

        var dot = host.LastIndexOf('.');
        if (dot > 0 && FileExtensions.Contains(host[(dot + 1)..]))
        {
            return;
        }

        // Timestamps (12:34:56) and versions look like host:port; a host needs a letter unless it is an IP.
        if (!host.Any(char.IsLetter) && !IPAddress.TryParse(host, out _))
        {
            return;
        }

        if (refs.Any(r => r.Host == host && (r.Port == port || port is null)))
        {
            return;
        }

        refs.RemoveAll(r => r.Host == host && r.Port is null && port is not null);
        refs.Add(new DependencyReference(host, port, source));
    }
}
