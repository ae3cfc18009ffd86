using Klarsicht.Storage.Investigations;
using Npgsql;

namespace Klarsicht.Storage.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void PostgreSQL_PreparesRepeatedStatements_UnlessTheConnectionStringSaysOtherwise()
    {
        Assert.Equal(32, new NpgsqlConnectionStringBuilder(PostgresInvestigationStore.WithAutoPrepare("Host=db;Database=klarsicht")).MaxAutoPrepare);
        Assert.Equal("Host=db;Max Auto Prepare=0", PostgresInvestigationStore.WithAutoPrepare("Host=db;Max Auto Prepare=0"));
        Assert.Equal("Host=db;MaxAutoPrepare=5", PostgresInvestigationStore.WithAutoPrepare("Host=db;MaxAutoPrepare=5"));
        Assert.Equal("Host=db;max auto prepare=7", PostgresInvestigationStore.WithAutoPrepare("Host=db;max auto prepare=7"));
    }
}
