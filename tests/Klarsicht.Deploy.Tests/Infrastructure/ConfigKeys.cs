using System.Globalization;
using System.Reflection;

namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>
/// The configuration keys the service binds, found by reflection: every options class of a Klarsicht assembly with
/// a <c>Section</c> constant, walked property by property (lists take an index, dictionaries any key). An
/// environment key such as <c>Klarsicht__Webhooks__Tokens__0</c> is real when it lands on a bindable property,
/// with the exact spelling (the contract names keys exactly, even though .NET configuration ignores case).
/// </summary>
public static class ConfigKeys
{
    /// <summary>Read outside the options classes: the kubeconfig (every Kubernetes client) and the connection string.</summary>
    private static readonly HashSet<string> Extra = new(StringComparer.Ordinal)
    {
        "KUBECONFIG",
        "ConnectionStrings__Klarsicht",
    };

    public static IReadOnlyDictionary<string, Type> Sections { get; } = FindSections();

    /// <summary>Null when <paramref name="environmentKey"/> is a real key, else why not.</summary>
    public static string? Check(string environmentKey)
    {
        if (Extra.Contains(environmentKey))
        {
            return null;
        }

        var segments = environmentKey.Split("__");
        var match = Sections
            .Select(s => (Section: s.Key, Type: s.Value, Parts: s.Key.Split(':')))
            .Where(s => segments.Length > s.Parts.Length && s.Parts.SequenceEqual(segments.Take(s.Parts.Length), StringComparer.Ordinal))
            .OrderByDescending(s => s.Parts.Length)
            .FirstOrDefault();
        if (match.Type is null)
        {
            return $"'{environmentKey}' is under no options section ({string.Join(", ", Sections.Keys)}) and is not one of {string.Join(", ", Extra)}.";
        }

        return Walk(match.Type, segments.Skip(match.Parts.Length).ToArray(), environmentKey);
    }

    private static string? Walk(Type type, string[] rest, string key)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (rest.Length == 0)
        {
            return IsScalar(type) ? null : $"'{key}' names {type.Name}, which is not a single value.";
        }

        if (IsScalar(type))
        {
            return $"'{key}' goes below {type.Name}, which is a single value.";
        }

        if (DictionaryValue(type) is { } valueType)
        {
            return Walk(valueType, rest[1..], key);
        }

        if (ElementType(type) is { } elementType)
        {
            return int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? Walk(elementType, rest[1..], key)
                : $"'{key}': '{rest[0]}' should be a list index.";
        }

        var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance);
        if (property is null || !string.Equals(property.Name, rest[0], StringComparison.Ordinal))
        {
            var near = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => string.Equals(p.Name, rest[0], StringComparison.OrdinalIgnoreCase));
            return near is null
                ? $"'{key}': {type.Name} has no property '{rest[0]}'."
                : $"'{key}': spelled '{rest[0]}', the property is '{near.Name}'.";
        }

        var bindable = property.CanWrite && property.SetMethod!.IsPublic
            || !IsScalar(property.PropertyType) && property.GetMethod is { IsPublic: true };
        return bindable ? Walk(property.PropertyType, rest[1..], key) : $"'{key}': {type.Name}.{property.Name} cannot be bound (read-only).";
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid);

    private static Type? DictionaryValue(Type type) =>
        type.GetInterfaces().Append(type)
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
            .Select(i => i.GetGenericArguments()[1])
            .FirstOrDefault();

    private static Type? ElementType(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : type.GetInterfaces().Append(type)
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                .Select(i => i.GetGenericArguments()[0])
                .FirstOrDefault();

    private static Dictionary<string, Type> FindSections()
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(Program).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!assemblies.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Klarsicht.", StringComparison.Ordinal)))
            {
                pending.Enqueue(Assembly.Load(reference));
            }
        }

        return assemblies.Values
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsPublic: true })
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.GetRawConstantValue() is string s && s.StartsWith("Klarsicht:", StringComparison.Ordinal))
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.Ordinal);
    }
}
