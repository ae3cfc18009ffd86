using System.Reflection;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Storage.Migrations;

/// <summary>Applies the versioned SQL scripts (DbUp) at startup, once per database.</summary>
public static class SchemaMigrator
{
    // One method per provider, called only by that provider's set-up: a SQLite replica never loads Npgsql or
    // DbUp's PostgreSQL support.
    public static void MigrateSqlite(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (!string.IsNullOrEmpty(path) && path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        Upgrade(DeployChanges.To.SqliteDatabase(connectionString), ".Migrations.Sqlite.");

        // WAL lets readers run beside the single writer; it is stored in the database file, so once is enough.
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public static void MigratePostgres(string connectionString)
    {
        EnsureDatabase.For.PostgresqlDatabase(connectionString);
        Upgrade(DeployChanges.To.PostgresqlDatabase(connectionString), ".Migrations.Postgres.");
    }

    private static void Upgrade(UpgradeEngineBuilder builder, string folder)
    {
        var result = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Database migration failed at {result.ErrorScript?.Name}: {result.Error?.Message}", result.Error);
        }
    }
}
