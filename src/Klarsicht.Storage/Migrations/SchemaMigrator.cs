using System.Reflection;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;

namespace Klarsicht.Storage.Migrations;

/// <summary>Applies the versioned SQL scripts (DbUp) at startup, once per database.</summary>
public static class SchemaMigrator
{
    public static void Migrate(StorageOptions options, string connectionString)
    {
        var folder = options.IsPostgres ? ".Migrations.Postgres." : ".Migrations.Sqlite.";
        UpgradeEngineBuilder builder;
        if (options.IsPostgres)
        {
            EnsureDatabase.For.PostgresqlDatabase(connectionString);
            builder = DeployChanges.To.PostgresqlDatabase(connectionString);
        }
        else
        {
            var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
            if (!string.IsNullOrEmpty(path) && path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            builder = DeployChanges.To.SqliteDatabase(connectionString);
        }

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

        if (!options.IsPostgres)
        {
            // WAL lets readers run beside the single writer; it is stored in the database file, so once is enough.
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
    }
}
