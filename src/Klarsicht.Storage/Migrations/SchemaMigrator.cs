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
    }
}
