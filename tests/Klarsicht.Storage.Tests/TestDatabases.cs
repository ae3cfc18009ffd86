using Klarsicht.Storage.Investigations;
using Klarsicht.Storage.Migrations;
using Npgsql;

namespace Klarsicht.Storage.Tests;

/// <summary>Fresh, migrated databases for each test: a SQLite file, or a new database on the test PostgreSQL.</summary>
public static class TestDatabases
{
    /// <summary>The PostgreSQL that tests/run-tests.sh starts. Without it the PostgreSQL tests cannot run.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("KLARSICHT_TEST_POSTGRES");

    public static (IInvestigationStore Store, string ConnectionString) Sqlite()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("klarsicht-store-").FullName, "test.db");
        var connectionString = $"Data Source={path}";
        SchemaMigrator.MigrateSqlite(connectionString);
        return (new SqliteInvestigationStore(connectionString), connectionString);
    }

    public static (IInvestigationStore Store, string ConnectionString) Postgres()
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            "KLARSICHT_TEST_POSTGRES is not set: run the suite with tests/run-tests.sh, which starts a PostgreSQL for these tests.");
        var database = $"klarsicht_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            create.ExecuteNonQuery();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
        SchemaMigrator.MigratePostgres(connectionString);
        // As the service builds it: with Npgsql's automatic preparation on.
        return (new PostgresInvestigationStore(PostgresInvestigationStore.CreateDataSource(connectionString)), connectionString);
    }
}
