using Npgsql;

namespace Klarsicht.Benchmarks.Infrastructure;

/// <summary>
/// Where a suite stores: SQLite in its data directory by default, or a fresh database on the PostgreSQL server
/// given with <c>--postgres</c>, so SQLite and PostgreSQL numbers come from the same suite side by side.
/// </summary>
public sealed record BenchStorage(string? PostgresServer)
{
    public bool IsPostgres => PostgresServer is not null;

    public string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    /// <summary>A connection string for a new, empty database (PostgreSQL) or file (SQLite); the service migrates it.</summary>
    public string NewDatabase(string dataDirectory)
    {
        if (PostgresServer is null)
        {
            return $"Data Source={Path.Combine(dataDirectory, "klarsicht.db")}";
        }

        var database = $"klarsicht_bench_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(PostgresServer))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            create.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = database }.ToString();
    }

    /// <summary>Service settings (configuration keys) for that database.</summary>
    public Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["ConnectionStrings:Klarsicht"] = connectionString,
        ["Klarsicht:Storage:Provider"] = IsPostgres ? "postgres" : "sqlite",
    };

    /// <summary>The same settings as environment variables, for a child process.</summary>
    public Dictionary<string, string?> Environment(string connectionString) =>
        Settings(connectionString).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
}
