using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Klarsicht.Deploy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Klarsicht.Deploy.Tests;

/// <summary>The kustomize overlays, rendered with kubectl and checked for the invariants deploy/README.md promises.</summary>
public sealed partial class KustomizeTests(ITestOutputHelper output)
{
    private const string Image = "ghcr.io/klarsicht/klarsicht";

    public static TheoryData<string> Overlays => new() { "deploy/overlays/sqlite", "deploy/overlays/postgres" };

    private static readonly HashSet<string> ReadVerbs = new(StringComparer.Ordinal) { "get", "list", "watch" };

    /// <summary>What a KubernetesClient call reads: its kind in the method name, mapped to (API group, resource).</summary>
    private static readonly Dictionary<string, (string Group, string Resource)> Resources = new(StringComparer.Ordinal)
    {
        ["Pod"] = ("", "pods"),
        ["PodLog"] = ("", "pods/log"),
        ["Event"] = ("", "events"),
        ["Node"] = ("", "nodes"),
        ["Service"] = ("", "services"),
        ["Endpoints"] = ("", "endpoints"),
        ["PersistentVolumeClaim"] = ("", "persistentvolumeclaims"),
        ["Deployment"] = ("apps", "deployments"),
        ["ReplicaSet"] = ("apps", "replicasets"),
        ["StatefulSet"] = ("apps", "statefulsets"),
        ["DaemonSet"] = ("apps", "daemonsets"),
        ["ControllerRevision"] = ("apps", "controllerrevisions"),
        ["Job"] = ("batch", "jobs"),
        ["CronJob"] = ("batch", "cronjobs"),
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_RendersEveryPartOfTheInstall(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        foreach (var kind in new[] { "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service", "NetworkPolicy", "PodDisruptionBudget" })
        {
            Assert.True(objects.OfKind(kind).Any(), $"{overlay} renders no {kind}");
        }

        Assert.All(objects.Where(o => o["kind"].Str() is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding")), o => Assert.Equal("klarsicht", o["metadata"]!["namespace"].Str()));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rbac_IsReadOnly_WithoutSecretsConfigMapsOrExec(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        AssertReadOnly(objects.Single("ClusterRole"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rbac_GrantsExactlyTheCallsTheCollectorsMake(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var granted = Grants(objects.Single("ClusterRole"));
        var needed = CollectorCalls().Append(("", "/version", "get")).ToHashSet();
        Assert.Empty(needed.Except(granted).Select(n => $"missing: {n}"));
        Assert.Empty(granted.Except(needed).Select(n => $"not needed by any collector: {n}"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rbac_BindsTheRoleToTheDeploymentsServiceAccount(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var binding = objects.Single("ClusterRoleBinding");
        var pod = PodSpec(objects);
        Assert.Equal(objects.Single("ClusterRole")["metadata"]!["name"].Str(), binding["roleRef"]!["name"].Str());
        var subject = binding["subjects"].Items().Single();
        Assert.Equal("ServiceAccount", subject["kind"].Str());
        Assert.Equal(pod["serviceAccountName"].Str(), subject["name"].Str());
        Assert.Equal("klarsicht", subject["namespace"].Str());
        Assert.Equal(pod["serviceAccountName"].Str(), objects.Single("ServiceAccount")["metadata"]!["name"].Str());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_ProbesHealthzAndReadyzOnTheHttpPort(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var container = Container(objects);
        Assert.Equal("/healthz", container["livenessProbe"]!["httpGet"]!["path"].Str());
        Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"]!["path"].Str());
        Assert.Equal(8080, ContainerPort(container, container["livenessProbe"]!["httpGet"]!["port"].Str()!));
        Assert.Equal(8080, ContainerPort(container, container["readinessProbe"]!["httpGet"]!["port"].Str()!));
        if (container["startupProbe"] is { } startup)
        {
            Assert.Equal("/healthz", startup["httpGet"]!["path"].Str());
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_RunsRestricted_WithAReadOnlyRootFilesystem(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var pod = PodSpec(objects);
        var container = Container(objects);
        var podSecurity = pod["securityContext"]!;
        var security = container["securityContext"]!;
        Assert.Equal("true", security["runAsNonRoot"].Str() ?? podSecurity["runAsNonRoot"].Str());
        Assert.Equal("false", security["allowPrivilegeEscalation"].Str());
        Assert.Equal("true", security["readOnlyRootFilesystem"].Str());
        Assert.Equal(["ALL"], security["capabilities"]!["drop"].Items().Select(c => c.Str()));
        Assert.Null(security["capabilities"]!["add"]);
        Assert.Equal("RuntimeDefault", (security["seccompProfile"] ?? podSecurity["seccompProfile"])!["type"].Str());
        Assert.NotEqual("0", security["runAsUser"].Str() ?? podSecurity["runAsUser"].Str());

        var mounts = container["volumeMounts"].Items().ToDictionary(m => m["mountPath"].Str()!, m => m["name"].Str()!, StringComparer.Ordinal);
        var volumes = pod["volumes"].Items().ToDictionary(v => v["name"].Str()!, v => v, StringComparer.Ordinal);
        Assert.NotNull(volumes[mounts["/tmp"]]["emptyDir"]);
        Assert.True(mounts.ContainsKey("/data"), "a /data volume");
        Assert.True(container["resources"]?["requests"]?["memory"] is not null && container["resources"]?["limits"]?["memory"] is not null, "memory request and limit");
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_EnvironmentKeys_AreRealConfigKeys(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var problems = Container(objects)["env"].Items().Select(e => ConfigKeys.Check(e["name"].Str()!)).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Deployment_UsesThePublishedImageWithATag(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        foreach (var container in PodSpec(objects)["containers"].Items().Concat(PodSpec(objects)["initContainers"].Items()))
        {
            var image = container["image"].Str()!;
            Assert.StartsWith(Image + ":", image, StringComparison.Ordinal);
            Assert.Matches("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", image[(Image.Length + 1)..]);
        }
    }

    [Fact]
    public void SqliteOverlay_RunsOneReplicaOnAPersistentVolume()
    {
        if (Render("deploy/overlays/sqlite") is not { } objects)
        {
            return;
        }

        var deployment = objects.Single("Deployment");
        Assert.Equal("1", deployment["spec"]!["replicas"].Str());
        Assert.Equal("Recreate", deployment["spec"]!["strategy"]!["type"].Str());
        Assert.Null(deployment["spec"]!["strategy"]!["rollingUpdate"]);

        var environment = Environment(objects);
        Assert.Equal("sqlite", environment.GetValueOrDefault("Klarsicht__Storage__Provider")?["value"].Str() ?? "sqlite");
        Assert.Equal("Data Source=/data/klarsicht.db", environment["ConnectionStrings__Klarsicht"]["value"].Str());

        var container = Container(objects);
        var dataVolume = container["volumeMounts"].Items().Single(m => m["mountPath"].Str() == "/data")["name"].Str();
        var claim = PodSpec(objects)["volumes"].Items().Single(v => v["name"].Str() == dataVolume)["persistentVolumeClaim"]?["claimName"].Str();
        Assert.NotNull(claim);
        Assert.Contains(objects.OfKind("PersistentVolumeClaim"), p => p["metadata"]!["name"].Str() == claim);
    }

    [Fact]
    public void PostgresOverlay_RunsThreeReplicasOnTheUsersConnectionSecret()
    {
        if (Render("deploy/overlays/postgres") is not { } objects)
        {
            return;
        }

        Assert.Equal("3", objects.Single("Deployment")["spec"]!["replicas"].Str());
        var environment = Environment(objects);
        Assert.Equal("postgres", environment["Klarsicht__Storage__Provider"]["value"].Str());
        var secret = environment["ConnectionStrings__Klarsicht"]["valueFrom"]!["secretKeyRef"]!;
        Assert.Null(environment["ConnectionStrings__Klarsicht"]["value"]);
        Assert.NotEqual("true", secret["optional"].Str());

        // The Secret is the user's: not rendered, but documented by name and key.
        var (name, key) = (secret["name"].Str()!, secret["key"].Str()!);
        Assert.DoesNotContain(objects.OfKind("Secret"), s => s["metadata"]!["name"].Str() == name);
        var readme = Repo.Read("deploy/README.md");
        Assert.Contains($"create secret generic {name}", readme, StringComparison.Ordinal);
        Assert.Contains($"--from-literal={key}=", readme, StringComparison.Ordinal);

        Assert.Contains(Egress(objects), p => p == "5432");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void DisruptionBudgetServiceAndNetworkPolicy_SelectThePods(string overlay)
    {
        if (Render(overlay) is not { } objects)
        {
            return;
        }

        var labels = objects.Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"].Entries().ToDictionary(e => e.Key, e => e.Value.Str(), StringComparer.Ordinal);
        bool Selects(JsonNode? selector) => selector.Entries().All(e => labels.TryGetValue(e.Key, out var v) && v == e.Value.Str()) && selector.Entries().Any();

        var budget = objects.Single("PodDisruptionBudget")["spec"]!;
        Assert.True(Selects(budget["selector"]!["matchLabels"]), "the PodDisruptionBudget selects the pods");
        Assert.True(budget["maxUnavailable"] is not null || budget["minAvailable"] is not null);

        var service = objects.Single("Service")["spec"]!;
        Assert.True(Selects(service["selector"]), "the Service selects the pods");
        Assert.Equal(8080, ContainerPort(Container(objects), service["ports"].Items().Single()["targetPort"].Str()!));

        var policy = objects.Single("NetworkPolicy")["spec"]!;
        Assert.True(Selects(policy["podSelector"]!["matchLabels"]), "the NetworkPolicy selects the pods");
        Assert.Equal(["Egress", "Ingress"], policy["policyTypes"].Items().Select(p => p.Str()!).Order(StringComparer.Ordinal));
        var ingressPorts = policy["ingress"].Items().SelectMany(i => i["ports"].Items()).Select(p => ContainerPort(Container(objects), p["port"].Str()!));
        Assert.Contains(8080, ingressPorts);
        var egress = Egress(objects);
        foreach (var port in new[] { "53", "443", "9090" })
        {
            Assert.Contains(port, egress);
        }
    }

    [Fact]
    public void NamespacedComponent_SwapsClusterRbacForAReadOnlyRoleInTheWatchedNamespace()
    {
        if (Kustomize.Kubectl is null)
        {
            output.WriteLine(Kustomize.Missing);
            return;
        }

        var directory = Directory.CreateTempSubdirectory("klarsicht-kustomize-");
        try
        {
            string Relative(string path) => Path.GetRelativePath(directory.FullName, Repo.PathOf(path)).Replace('\\', '/');
            File.WriteAllText(Path.Combine(directory.FullName, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: shop
                resources: [{Relative("deploy/overlays/sqlite")}]
                components: [{Relative("deploy/namespaced")}]
                """);
            var objects = Kustomize.Render(directory.FullName);

            Assert.Empty(objects.OfKind("ClusterRole"));
            Assert.Empty(objects.OfKind("ClusterRoleBinding"));
            Assert.Empty(objects.OfKind("Namespace"));
            var role = objects.Single("Role");
            Assert.Equal("shop", role["metadata"]!["namespace"].Str());
            AssertReadOnly(role);

            // Everything the collectors read inside a namespace; nodes are cluster-scoped and become gaps.
            var namespaced = CollectorCalls().Where(c => c.Resource != "nodes").ToHashSet();
            Assert.Empty(namespaced.Except(Grants(role)).Select(n => $"missing: {n}"));

            var binding = objects.Single("RoleBinding");
            Assert.Equal("Role", binding["roleRef"]!["kind"].Str());
            var subject = binding["subjects"].Items().Single();
            Assert.Equal(("klarsicht", "shop"), (subject["name"].Str(), subject["namespace"].Str()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private IReadOnlyList<JsonNode>? Render(string overlay)
    {
        if (Kustomize.Kubectl is null)
        {
            output.WriteLine(Kustomize.Missing);
            return null;
        }

        return Kustomize.Render(overlay);
    }

    private static void AssertReadOnly(JsonNode role)
    {
        foreach (var rule in role["rules"].Items())
        {
            var verbs = rule["verbs"].Items().Select(v => v.Str()!).ToList();
            Assert.All(verbs, v => Assert.Contains(v, ReadVerbs));
            var resources = rule["resources"].Items().Select(r => r.Str()!).ToList();
            foreach (var forbidden in new[] { "*", "secrets", "configmaps", "pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "serviceaccounts/token", "nodes/proxy" })
            {
                Assert.DoesNotContain(forbidden, resources);
            }

            Assert.DoesNotContain("*", rule["apiGroups"].Items().Select(g => g.Str()));
            Assert.DoesNotContain("*", rule["nonResourceURLs"].Items().Select(g => g.Str()));
        }

        Assert.Contains(role["rules"].Items(), r => r["resources"].Items().Any(x => x.Str() == "pods/log") && r["verbs"].Items().Any(v => v.Str() == "get"));
    }

    /// <summary>(group, resource or non-resource URL, verb) for every grant of the role.</summary>
    private static HashSet<(string Group, string Resource, string Verb)> Grants(JsonNode role)
    {
        var grants = new HashSet<(string, string, string)>();
        foreach (var rule in role["rules"].Items())
        {
            foreach (var verb in rule["verbs"].Items().Select(v => v.Str()!))
            {
                foreach (var group in rule["apiGroups"].Items().Select(g => g.Str() ?? ""))
                {
                    foreach (var resource in rule["resources"].Items())
                    {
                        grants.Add((group, resource.Str()!, verb));
                    }
                }

                foreach (var url in rule["nonResourceURLs"].Items())
                {
                    grants.Add(("", url.Str()!, verb));
                }
            }
        }

        return grants;
    }

    /// <summary>
    /// The reads the Kubernetes code makes, from the KubernetesClient methods it calls
    /// (<c>client.CoreV1.ListNamespacedEventAsync</c> → list events): the RBAC follows the code.
    /// </summary>
    private static IEnumerable<(string Group, string Resource, string Verb)> CollectorCalls()
    {
        var calls = Directory.EnumerateFiles(Repo.PathOf("src/Klarsicht.Kubernetes"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KubeCall().Matches(File.ReadAllText(f)))
            .Select(m => (Verb: m.Groups["verb"].Value == "Read" ? "get" : "list", Kind: m.Groups["kind"].Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(calls);
        foreach (var (verb, kind) in calls)
        {
            Assert.True(Resources.ContainsKey(kind), $"the collectors now call {verb} on {kind}: add it to the map in this test and to deploy/base/clusterrole.yaml and deploy/namespaced/role.yaml");
            yield return (Resources[kind].Group, Resources[kind].Resource, verb);
        }
    }

    [GeneratedRegex(@"\.(?:CoreV1|AppsV1|BatchV1)\.(?<verb>Read|List)(?:Namespaced)?(?<kind>[A-Z][A-Za-z]*?)(?:ForAllNamespaces)?(?:WithHttpMessages)?Async\b")]
    private static partial Regex KubeCall();

    private static JsonNode PodSpec(IReadOnlyList<JsonNode> objects) => objects.Single("Deployment")["spec"]!["template"]!["spec"]!;

    private static JsonNode Container(IReadOnlyList<JsonNode> objects) => PodSpec(objects)["containers"].Items().Single(c => c["name"].Str() == "klarsicht");

    private static Dictionary<string, JsonNode> Environment(IReadOnlyList<JsonNode> objects) =>
        Container(objects)["env"].Items().ToDictionary(e => e["name"].Str()!, e => e, StringComparer.Ordinal);

    private static int ContainerPort(JsonNode container, string port) =>
        int.TryParse(port, out var number)
            ? number
            : int.Parse(container["ports"].Items().Single(p => p["name"].Str() == port)["containerPort"].Str()!, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Egress(IReadOnlyList<JsonNode> objects) =>
        objects.Single("NetworkPolicy")["spec"]!["egress"].Items().SelectMany(e => e["ports"].Items()).Select(p => p["port"].Str()!).ToList();
}
