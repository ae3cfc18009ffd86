using System.Runtime.CompilerServices;
using Klarsicht.Storage.Investigations;
using Klarsicht.Storage.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Klarsicht.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string DefaultSqlite = "Data Source=data/klarsicht.db";

    /// <summary>
    /// Registers the store for <c>Klarsicht:Storage:Provider</c> with <c>ConnectionStrings:Klarsicht</c>, and
    /// migrates the schema when the store is first built.
    /// </summary>
    public static IServiceCollection AddKlarsichtStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IInvestigationStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var connectionString = configuration.GetConnectionString("Klarsicht") is { Length: > 0 } configured
                ? configured
                : options.IsPostgres ? throw new OptionsValidationException("ConnectionStrings:Klarsicht", typeof(StorageOptions), ["ConnectionStrings:Klarsicht is required when Klarsicht:Storage:Provider is postgres."]) : DefaultSqlite;
            return options.IsPostgres ? Postgres(connectionString, options) : Sqlite(connectionString, options);
        });
        return services;
    }

    // One method per provider, so that a replica loads (and maps) only its own provider's driver and migrations.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IInvestigationStore Sqlite(string connectionString, StorageOptions options)
    {
        SchemaMigrator.MigrateSqlite(connectionString);
        return new SqliteInvestigationStore(connectionString, options.JoinWindow);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IInvestigationStore Postgres(string connectionString, StorageOptions options)
    {
        SchemaMigrator.MigratePostgres(connectionString);
        return new PostgresInvestigationStore(PostgresInvestigationStore.CreateDataSource(connectionString), options.JoinWindow);
    }
}
