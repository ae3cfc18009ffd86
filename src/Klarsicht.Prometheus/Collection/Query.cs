using Klarsicht.Prometheus.Api;

namespace Klarsicht.Prometheus.Collection;

/// <summary>A started query and the PromQL it runs.</summary>
internal sealed record Query(string What, string PromQl, Task<IReadOnlyList<PrometheusSeries>?> Answer)
{
    /// <summary>The series found; null when the query failed (the batch holds the gap) or has not finished.</summary>
    public IReadOnlyList<PrometheusSeries>? Found => Answer.IsCompletedSuccessfully ? Answer.Result : null;

    public static Query Instant(QueryBatch batch, string what, string promQl, DateTimeOffset at) =>
        new(what, promQl, batch.InstantAsync(what, promQl, at));

    public static Query Range(QueryBatch batch, string what, string promQl, QueryWindow window) =>
        new(what, promQl, batch.RangeAsync(what, promQl, window));
}
