using System.Data;
using System.Data.Common;

namespace Klarsicht.Storage.Investigations;

/// <summary>
/// The statements of one write transaction, each created once and run again for every item of the batch with new
/// parameter values. SQLite compiles a command's statements on its first run and only resets them on the next, so a
/// group commit of 64 alerts parses each statement once instead of 64 times (parsing and planning were a third of
/// SQLite's time under intake load when every statement was a new command).
/// </summary>
internal sealed class BatchCommands(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/>; set its parameters with <see cref="Set(DbCommand, string, string?)"/> and its overloads.</summary>
    public DbCommand For(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            _commands.Add(sql, command);
        }

        return command;
    }

    public static void Set(DbCommand command, string name, string? value) => Parameter(command, name, DbType.String).Value = (object?)value ?? DBNull.Value;

    public static void Set(DbCommand command, string name, long value) => Parameter(command, name, DbType.Int64).Value = value;

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Names carry their '@': both providers accept them so, and SQLite then matches them without trying prefixes.
    private static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var index = command.Parameters.IndexOf(name);
        if (index >= 0)
        {
            return command.Parameters[index];
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
