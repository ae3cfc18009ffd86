using System.ComponentModel.DataAnnotations;

namespace Klarsicht.Storage;

/// <summary>Where RCAs live: SQLite embedded by default, PostgreSQL when several replicas share the work.</summary>
public sealed class StorageOptions
{
    public const string Section = "Klarsicht:Storage";

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    [Required]
    [RegularExpression("^(?i)(sqlite|postgres|postgresql)$", ErrorMessage = "Klarsicht:Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Completed RCAs older than this are deleted by the retention job.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>How long a replica owns an investigation it claimed before another may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long after an investigation completes new alerts for the same workload still join it instead of
    /// opening another: the tail of an alert storm is the same incident, not a new one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan JoinWindow { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsPostgres => Provider.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
}
