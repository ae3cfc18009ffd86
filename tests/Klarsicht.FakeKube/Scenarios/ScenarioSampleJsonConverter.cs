using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klarsicht.FakeKube.Scenarios;

/// <summary>Reads and writes a sample as the two-element array <c>[time, value]</c> the scenario format uses.</summary>
public sealed class ScenarioSampleJsonConverter : JsonConverter<ScenarioSample>
{
    public override ScenarioSample Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A sample must be an array [unix seconds, value].");
        }

        reader.Read();
        var time = ReadNumber(ref reader);
        reader.Read();
        var value = ReadNumber(ref reader);
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("A sample must have exactly two elements.");
        }

        return new ScenarioSample(time, value);
    }

    public override void Write(Utf8JsonWriter writer, ScenarioSample value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Time);
        WriteNumber(writer, value.Value);
        writer.WriteEndArray();
    }

    // Prometheus values may be NaN or ±Inf, which JSON numbers cannot express: accept them as strings.
    private static double ReadNumber(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String => ParseSpecial(reader.GetString()),
        _ => throw new JsonException($"A sample element must be a number, not {reader.TokenType}."),
    };

    private static double ParseSpecial(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text ?? "", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "+Inf" : "-Inf");
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}
