using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>
/// YAML read with YamlDotNet into <see cref="JsonNode"/>s, which are easy to walk. Scalars stay strings
/// (<c>"8080"</c>, <c>"true"</c>), as YAML wrote them.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static JsonNode Parse(string text) => ParseAll(text).Single();

    public static JsonNode ParseFile(string relative) => Parse(Repo.Read(relative));

    /// <summary>Every document of a multi-document stream (<c>---</c>), empty documents left out.</summary>
    public static IReadOnlyList<JsonNode> ParseAll(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = Deserializer.Deserialize<object?>(parser);
            if (ToNode(value) is { } node)
            {
                documents.Add(node);
            }
        }

        return documents;
    }

    public static string? Str(this JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;

    public static IEnumerable<JsonNode> Items(this JsonNode? node) => node as JsonArray is { } array ? array.OfType<JsonNode>() : [];

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(this JsonNode? node) => node as JsonObject ?? [];

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        IDictionary<object, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, ToNode(kv.Value)))),
        IEnumerable<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
