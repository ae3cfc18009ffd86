using Refit;

namespace Klarsicht.Prometheus.Api;

/// <summary>
/// The two read endpoints of the Prometheus HTTP API. POST with a form body, so that long PromQL never meets a
/// URL length limit of a proxy in between. <see cref="IApiResponse{T}"/> keeps non-2xx answers as values: an
/// error is data the collector turns into a gap, not an exception.
/// </summary>
public interface IPrometheusApi
{
    [Post("/api/v1/query")]
    Task<IApiResponse<PrometheusResponse>> QueryAsync([Body(BodySerializationMethod.UrlEncoded)] InstantQuery query, CancellationToken cancellationToken);

    [Post("/api/v1/query_range")]
    Task<IApiResponse<PrometheusResponse>> QueryRangeAsync([Body(BodySerializationMethod.UrlEncoded)] RangeQuery query, CancellationToken cancellationToken);
}

/// <summary>Form of <c>/api/v1/query</c>: times in Unix seconds, durations in Prometheus notation (<c>3s</c>).</summary>
public sealed record InstantQuery(
    [property: AliasAs("query")] string Query,
    [property: AliasAs("time")] string Time,
    [property: AliasAs("timeout")] string Timeout);

/// <summary>Form of <c>/api/v1/query_range</c>.</summary>
public sealed record RangeQuery(
    [property: AliasAs("query")] string Query,
    [property: AliasAs("start")] string Start,
    [property: AliasAs("end")] string End,
    [property: AliasAs("step")] string Step,
    [property: AliasAs("timeout")] string Timeout);
