using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klarsicht.Prometheus.Api;

// The source-generated serializer assigns every init-only property, null when its key is absent: the
// collections and strings below fall back to their empty values instead.

/// <summary>The envelope every Prometheus API answer comes in, success or error.</summary>
public sealed record PrometheusResponse
{
    [JsonPropertyName("status")]
    public string Status { get => _status; init => _status = value ?? ""; }

    private readonly string _status = "";

    [JsonPropertyName("data")]
    public PrometheusData? Data { get; init; }

    /// <summary><c>bad_data</c>, <c>execution</c>, <c>timeout</c>, <c>canceled</c>, <c>internal</c>, <c>unavailable</c>, <c>not_found</c>, <c>not_acceptable</c>.</summary>
    [JsonPropertyName("errorType")]
    public string? ErrorType { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("warnings")]
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = value ?? []; }

    private readonly IReadOnlyList<string> _warnings = [];

    [JsonPropertyName("infos")]
    public IReadOnlyList<string> Infos { get => _infos; init => _infos = value ?? []; }

    private readonly IReadOnlyList<string> _infos = [];

    public bool IsSuccess => Status == "success";
}

public sealed record PrometheusData
{
    /// <summary><c>vector</c>, <c>matrix</c>, <c>scalar</c> or <c>string</c>.</summary>
    [JsonPropertyName("resultType")]
    public string ResultType { get => _resultType; init => _resultType = value ?? ""; }

    private readonly string _resultType = "";

    /// <summary>The series; a scalar comes back as one series without labels.</summary>
    [JsonPropertyName("result")]
    [JsonConverter(typeof(PrometheusResultJsonConverter))]
    public IReadOnlyList<PrometheusSeries> Result { get => _result; init => _result = value ?? []; }

    private readonly IReadOnlyList<PrometheusSeries> _result = [];
}

/// <summary>One series: <c>value</c> in a vector, <c>values</c> in a matrix.</summary>
public sealed record PrometheusSeries
{
    [JsonPropertyName("metric")]
    public IReadOnlyDictionary<string, string> Metric { get => _metric; init => _metric = value ?? new Dictionary<string, string>(); }

    private readonly IReadOnlyDictionary<string, string> _metric = new Dictionary<string, string>();

    [JsonPropertyName("value")]
    public PrometheusSample? Value { get; init; }

    [JsonPropertyName("values")]
    public IReadOnlyList<PrometheusSample> Values { get => _values; init => _values = value ?? []; }

    private readonly IReadOnlyList<PrometheusSample> _values = [];

    public string Label(string name) => Metric.TryGetValue(name, out var value) ? value : "";

    /// <summary>The value of a vector or the samples of a matrix, whichever this series has.</summary>
    public IEnumerable<PrometheusSample> Samples => Value is { } one ? [one] : Values;
}

/// <summary>A sample as Prometheus writes it: <c>[&lt;unix seconds&gt;, "&lt;value&gt;"]</c>, the value possibly <c>"NaN"</c> or <c>"+Inf"</c>.</summary>
[JsonConverter(typeof(PrometheusSampleJsonConverter))]
public readonly record struct PrometheusSample(double UnixSeconds, double Value)
{
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(UnixSeconds * 1000));

    public static double ParseValue(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"'{text}' is not a Prometheus sample value."),
    };
}

internal sealed class PrometheusSampleJsonConverter : JsonConverter<PrometheusSample>
{
    public override PrometheusSample Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A Prometheus sample must be an array [time, \"value\"].");
        }

        reader.Read();
        var time = reader.TokenType == JsonTokenType.Number
            ? reader.GetDouble()
            : throw new JsonException("A Prometheus sample time must be a number.");
        reader.Read();
        var value = reader.TokenType switch
        {
            JsonTokenType.String => PrometheusSample.ParseValue(reader.GetString()),
            JsonTokenType.Number => reader.GetDouble(),
            _ => throw new JsonException("A Prometheus sample value must be a string."),
        };
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("A Prometheus sample has exactly two elements.");
        }

        return new PrometheusSample(time, value);
    }

    public override void Write(Utf8JsonWriter writer, PrometheusSample value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.UnixSeconds);
        writer.WriteStringValue(value.Value switch
        {
            double.NaN => "NaN",
            double.PositiveInfinity => "+Inf",
            double.NegativeInfinity => "-Inf",
            var v => v.ToString("R", CultureInfo.InvariantCulture),
        });
        writer.WriteEndArray();
    }
}

/// <summary>A vector or matrix is an array of series; a scalar is a bare sample, read as one unlabelled series.</summary>
internal sealed class PrometheusResultJsonConverter : JsonConverter<IReadOnlyList<PrometheusSeries>>
{
    public override IReadOnlyList<PrometheusSeries> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("data.result must be an array.");
        }

        if (root.GetArrayLength() == 2 && root[0].ValueKind == JsonValueKind.Number)
        {
            if (root[1].ValueKind != JsonValueKind.String)
            {
                return [];
            }

            // A string result would fail ParseValue; it has no meaning here, so it reads as no series.
            return double.TryParse(root[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) || root[1].GetString() is "NaN" or "+Inf" or "-Inf"
                ? [new PrometheusSeries { Value = root.Deserialize(PrometheusJsonContext.Default.PrometheusSample) }]
                : [];
        }

        return root.Deserialize(PrometheusJsonContext.Default.ListPrometheusSeries) ?? [];
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<PrometheusSeries> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToList(), PrometheusJsonContext.Default.ListPrometheusSeries);
}
