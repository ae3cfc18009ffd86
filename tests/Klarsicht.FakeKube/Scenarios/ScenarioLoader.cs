using System.Text.Encodings.Web;
using System.Text.Json;

namespace Klarsicht.FakeKube.Scenarios;

/// <summary>Reads scenario files and corpora (folders of scenario files).</summary>
public static class ScenarioLoader
{
    /// <summary>Options that read and write the scenario format (camelCase, comments and trailing commas tolerated).</summary>
    // Case-sensitive on purpose: JsonObjects built by the serializer inherit the option, and Kubernetes keys
    // (labels, annotations, ConfigMap data) may differ only in case.
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Every <c>*.json</c> file of <paramref name="directory"/> (not recursive), sorted by file name.</summary>
    public static IReadOnlyList<Scenario> LoadCorpus(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Scenario corpus '{directory}' does not exist.");
        }

        return Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
    }

    public static Scenario Load(string file)
    {
        using var stream = File.OpenRead(file);
        try
        {
            return Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Scenario file '{file}' is not a valid scenario: {ex.Message}", ex);
        }
    }

    public static Scenario Parse(Stream json) =>
        JsonSerializer.Deserialize<Scenario>(json, JsonOptions) ?? throw new JsonException("The scenario is null.");

    public static Scenario Parse(string json) =>
        JsonSerializer.Deserialize<Scenario>(json, JsonOptions) ?? throw new JsonException("The scenario is null.");
}
