using System.Text.Json;
using System.Text.Json.Nodes;
using Klarsicht.Core.Alerts;
using Klarsicht.Core.Alerts.Payloads;
using Klarsicht.Core.Rcas;
using Klarsicht.FakeKube.Scenarios;

namespace Klarsicht.Replay.Checking;

/// <summary>
/// Checks a corpus against the rules of FORMAT.md without running the service, so that a scenario's author
/// learns about a broken file without seeing what the engine answers.
/// </summary>
public static class CorpusCheck
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal) { "Node", "Namespace", "PersistentVolume", "StorageClass" };

    /// <summary>Every problem found, as "file: problem"; empty when the corpus is sound.</summary>
    public static IReadOnlyList<string> Run(IReadOnlyList<Scenario> scenarios)
    {
        var problems = new List<string>();
        var namespaceOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var nodeOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            void Problem(string text) => problems.Add($"{scenario.Id}: {text}");

            if (scenario.Now != scenarios[0].Now)
            {
                Problem($"now is {scenario.Now:O}, but {scenarios[0].Id} has {scenarios[0].Now:O}: one corpus shares one now");
            }

            if (!ids.Add(scenario.Id))
            {
                Problem("the id is used by another scenario");
            }

            CheckAlert(scenario, Problem);
            var pods = CheckObjects(scenario, Problem);
            CheckLogs(scenario, pods, Problem);
            CheckTimes(scenario, Problem);
            CheckExpected(scenario, Problem);
            // Node events live in "default", which every scenario may use.
            foreach (var ns in Namespaces(scenario).Where(ns => ns != "default"))
            {
                if (!namespaceOwner.TryAdd(ns, scenario.Id) && namespaceOwner[ns] != scenario.Id)
                {
                    Problem($"namespace '{ns}' is also used by scenario {namespaceOwner[ns]}");
                }
            }

            foreach (var node in scenario.Objects.Where(o => Kind(o) == "Node").Select(Name).OfType<string>())
            {
                if (!nodeOwner.TryAdd(node, scenario.Id))
                {
                    Problem($"node '{node}' is also defined by scenario {nodeOwner[node]}");
                }
            }
        }

        return problems;
    }

    private static void CheckAlert(Scenario scenario, Action<string> problem)
    {
        var payload = scenario.Alert.Payload?.ToJsonString() ?? "null";
        try
        {
            var alerts = scenario.Alert.Format switch
            {
                "alertmanager" => AlertNormalizer.FromAlertmanager(JsonSerializer.Deserialize<AlertmanagerPayload>(payload, Json)!),
                "grafana" => AlertNormalizer.FromGrafana(JsonSerializer.Deserialize<GrafanaPayload>(payload, Json)!),
                _ => null,
            };
            if (alerts is null)
            {
                problem($"alert.format '{scenario.Alert.Format}' is neither alertmanager nor grafana");
            }
            else if (alerts.Count == 0)
            {
                problem("the alert payload holds no alerts");
            }
            else if (!alerts.Any(a => TargetQueryParser.Parse(a.Labels).HasKubernetesTarget))
            {
                problem("no alert in the payload names a Kubernetes object the service could investigate (see its labels)");
            }
        }
        catch (JsonException e)
        {
            problem($"the alert payload does not parse as a {scenario.Alert.Format} webhook body: {e.Message}");
        }
    }

    private static Dictionary<(string Namespace, string Pod), HashSet<string>> CheckObjects(Scenario scenario, Action<string> problem)
    {
        var pods = new Dictionary<(string, string), HashSet<string>>();
        for (var i = 0; i < scenario.Objects.Count; i++)
        {
            var o = scenario.Objects[i];
            var kind = Kind(o);
            if (o["apiVersion"] is null || kind is null || Name(o) is null)
            {
                problem($"objects[{i}] lacks apiVersion, kind or metadata.name");
                continue;
            }

            var ns = o["metadata"]?["namespace"]?.GetValue<string>();
            if (ns is null && !ClusterScoped.Contains(kind))
            {
                problem($"objects[{i}] ({kind} {Name(o)}) is namespaced but has no metadata.namespace");
            }

            if (kind == "Pod" && ns is not null)
            {
                var containers = new HashSet<string>(StringComparer.Ordinal);
                foreach (var list in new[] { "containers", "initContainers" })
                {
                    foreach (var c in o["spec"]?[list]?.AsArray() ?? [])
                    {
                        if (c?["name"]?.GetValue<string>() is { } name)
                        {
                            containers.Add(name);
                        }
                    }
                }

                if (containers.Count == 0)
                {
                    problem($"pod {ns}/{Name(o)} has no spec.containers");
                }

                pods[(ns, Name(o)!)] = containers;
            }
        }

        return pods;
    }

    private static void CheckLogs(Scenario scenario, Dictionary<(string Namespace, string Pod), HashSet<string>> pods, Action<string> problem)
    {
        foreach (var log in scenario.Logs)
        {
            if (!pods.TryGetValue((log.Namespace, log.Pod), out var containers))
            {
                problem($"a log names pod {log.Namespace}/{log.Pod}, which is not among the objects");
            }
            else if (!containers.Contains(log.Container))
            {
                problem($"a log names container '{log.Container}', which pod {log.Namespace}/{log.Pod} does not have");
            }
        }
    }

    private static void CheckTimes(Scenario scenario, Action<string> problem)
    {
        var late = new List<string>();
        foreach (var node in scenario.Objects.Cast<JsonNode>().Append(scenario.Alert.Payload))
        {
            Walk(node, text =>
            {
                if (TimeShift.TryShift(text, TimeSpan.Zero, out _) && DateTimeOffset.TryParse(text, out var t) && t > scenario.Now)
                {
                    late.Add(text);
                }
            });
        }

        if (late.Count > 0)
        {
            problem($"{late.Count} timestamp(s) after now ({scenario.Now:O}), e.g. {late[0]}");
        }

        var nowSeconds = scenario.Now.ToUnixTimeSeconds();
        if (scenario.Series.SelectMany(s => s.Samples).Any(s => s.Time > nowSeconds))
        {
            problem("a series has samples after now");
        }

        if (scenario.Series.Any(s => !s.Labels.ContainsKey("__name__")))
        {
            problem("a series has no __name__ label");
        }
    }

    private static void CheckExpected(Scenario scenario, Action<string> problem)
    {
        if (scenario.Expected is not { } expected)
        {
            problem("no expected answer");
            return;
        }

        foreach (var category in expected.AcceptableCategories.Prepend(expected.Category))
        {
            if (!Categories.IsKnown(category))
            {
                problem($"expected category '{category}' is not in the taxonomy");
            }
        }

        if (expected.Culprit is null || string.IsNullOrEmpty(expected.Culprit.Kind) || string.IsNullOrEmpty(expected.Culprit.Name))
        {
            problem("expected.culprit needs kind and name");
        }
    }

    private static IEnumerable<string> Namespaces(Scenario scenario) =>
        scenario.Objects.Select(o => o["metadata"]?["namespace"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.Ordinal);

    private static string? Kind(JsonObject o) => o["kind"]?.GetValue<string>();

    private static string? Name(JsonObject o) => o["metadata"]?["name"]?.GetValue<string>();

    private static void Walk(JsonNode? node, Action<string> onString)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Walk(value, onString);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, onString);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                onString(text);
                break;
        }
    }
}
