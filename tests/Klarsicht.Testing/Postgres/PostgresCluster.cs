using System.Net.Sockets;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Testing.Postgres;

/// <summary>
/// A private PostgreSQL cluster (Debian's <c>/usr/lib/postgresql/N/bin</c>) that a test may stop, crash and
/// restart without disturbing the shared test server. As root the server runs as the <c>postgres</c> user,
/// as PostgreSQL requires.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;

    private PostgresCluster(string bin, string directory, int port, string user)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
        User = user;
    }

    public int Port { get; }

    public string User { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={User};Database=postgres;Timeout=3;Command Timeout=10";

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The newest installed server's bin directory, or null when PostgreSQL is not installed.</summary>
    public static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (tests/run-tests.sh installs it).");
        var directory = Directory.CreateTempSubdirectory("klarsicht-pgcluster-").FullName;
        var user = IsRoot ? "postgres" : Environment.UserName;
        if (IsRoot)
        {
            await Processes.RunAsync("chown", ["postgres", directory]);
        }

        var cluster = new PostgresCluster(bin, directory, PrometheusTestServer.FreePort(), user);
        await cluster.PgAsync("initdb", ["-D", cluster.Data, "-U", user, "-A", "trust", "--no-sync"]);
        await cluster.StartServerAsync();
        return cluster;
    }

    private string Data => Path.Combine(_directory, "data");

    public Task StartServerAsync() =>
        PgAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_directory, "log"), "-w", "-o",
            $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start"]);

    /// <summary>Stops the server the way a crash or an OOM kill would: no checkpoint, every client cut off.</summary>
    public Task CrashAsync() => PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "stop"]);

    /// <summary>True while the server accepts TCP connections.</summary>
    public bool IsListening()
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Task<string> PgAsync(string tool, IReadOnlyList<string> arguments) =>
        IsRoot
            ? Processes.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : Processes.RunAsync(Path.Combine(_bin, tool), arguments);
}
