using System.Text.Json.Serialization;

namespace Klarsicht.Prometheus.Api;

/// <summary>Source-generated JSON for the Prometheus API: Refit's generated client reads answers without reflection.</summary>
[JsonSerializable(typeof(PrometheusResponse))]
[JsonSerializable(typeof(List<PrometheusSeries>))]
[JsonSerializable(typeof(PrometheusSample))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
