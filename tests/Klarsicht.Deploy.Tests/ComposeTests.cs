using System.Diagnostics;
using System.Text.Json.Nodes;
using Klarsicht.Api.Configuration;
using Klarsicht.Deploy.Tests.Infrastructure;

namespace Klarsicht.Deploy.Tests;

/// <summary>docker-compose.yml and deploy/compose/, checked statically (there is no Docker engine in CI).</summary>
public sealed class ComposeTests
{
    private const string AlertmanagerWebhook = "http://klarsicht:8080/api/v1/webhooks/alertmanager";
    private const string GrafanaWebhook = "http://klarsicht:8080/api/v1/webhooks/grafana";

    private readonly Compose _compose = Compose.Load();

    [Fact]
    public void Compose_DefinesTheDemoServices()
    {
        Assert.Equal(
            ["alertmanager", "fakekube", "grafana", "klarsicht", "postgres", "prometheus"],
            _compose.Services.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("klarsicht", 8080)]
    [InlineData("prometheus", 9090)]
    [InlineData("alertmanager", 9093)]
    [InlineData("grafana", 3000)]
    [InlineData("fakekube", 6443)]
    public void Compose_PublishesEachUserFacingPortOnTheSamePort(string service, int port) =>
        Assert.Contains((port, port), _compose.Ports(service));

    [Fact]
    public void Klarsicht_EnvironmentKeys_AreRealConfigKeys()
    {
        var problems = _compose.Environment("klarsicht").Keys.Select(ConfigKeys.Check).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Klarsicht_IsBuiltFromTheRepositoryDockerfile()
    {
        var build = _compose.Service("klarsicht")["build"]!;
        Assert.Equal(".", build["context"].Str());
        Assert.Equal("Dockerfile", build["dockerfile"].Str());

        var fakekube = _compose.Service("fakekube")["build"]!;
        Assert.Equal(".", fakekube["context"].Str());
        Assert.True(File.Exists(Repo.PathOf(fakekube["dockerfile"].Str()!)), "the fakekube Dockerfile exists");
    }

    [Fact]
    public void Klarsicht_StoresInThePostgresService()
    {
        var environment = _compose.Environment("klarsicht");
        var postgres = _compose.Environment("postgres");
        Assert.Equal("postgres", environment["Klarsicht__Storage__Provider"]);

        var connection = environment["ConnectionStrings__Klarsicht"].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("postgres", connection["Host"]);
        Assert.Equal(postgres["POSTGRES_DB"], connection["Database"]);
        Assert.Equal(postgres["POSTGRES_USER"], connection["Username"]);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], connection["Password"]);
        Assert.Equal("service_healthy", _compose.Service("klarsicht")["depends_on"]?["postgres"]?["condition"].Str());
        Assert.NotNull(_compose.Service("postgres")["healthcheck"]);
    }

    [Fact]
    public void Klarsicht_QueriesThePrometheusService() =>
        Assert.Equal("http://prometheus:9090", _compose.Environment("klarsicht")["Klarsicht__Prometheus__Url"].TrimEnd('/'));

    [Fact]
    public void Klarsicht_RunsWithAReadOnlyRootFilesystem()
    {
        var klarsicht = _compose.Service("klarsicht");
        Assert.Equal("true", klarsicht["read_only"].Str());
        Assert.Contains("/tmp", klarsicht["tmpfs"].Items().Select(t => t.Str()));
    }

    [Fact]
    public void Klarsicht_Secrets_AreLongEnoughForStartupValidation()
    {
        var environment = _compose.Environment("klarsicht");
        foreach (var key in environment.Keys.Where(k => k.Contains("__Tokens__", StringComparison.Ordinal) || k.EndsWith("HmacSecret", StringComparison.Ordinal)))
        {
            Assert.True(environment[key].Length >= 16, $"{key} must be at least 16 characters or Klarsicht refuses to start");
        }
    }

    [Fact]
    public void Klarsicht_GrafanaUrlAndToken_ComeTogether()
    {
        // The options validator refuses one without the other; both come from the same optional .env pair.
        var environment = _compose.Environment("klarsicht");
        Assert.Equal(environment.ContainsKey("Klarsicht__Grafana__Url"), environment.ContainsKey("Klarsicht__Grafana__Token"));
        if (environment.TryGetValue("Klarsicht__Grafana__Url", out var url))
        {
            Assert.Equal("${KLARSICHT_GRAFANA_URL:-}", url);
            Assert.Equal("${KLARSICHT_GRAFANA_TOKEN:-}", environment["Klarsicht__Grafana__Token"]);
        }
    }

    [Fact]
    public void BindMounts_ExistInTheRepository_AndNamedVolumesAreDeclared()
    {
        var declared = _compose.Document["volumes"].Entries().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (service, _) in _compose.Services)
        {
            foreach (var (source, target, _) in _compose.Volumes(service))
            {
                if (source.StartsWith('.'))
                {
                    var path = Repo.PathOf(source);
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{service}: {source} (mounted at {target}) does not exist");
                    Assert.StartsWith(Repo.Root, path, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(declared.Contains(source), $"{service}: named volume {source} is not declared");
                }
            }
        }
    }

    [Fact]
    public void Kubeconfig_IsMountedAndPointsAtTheFakeKubeService()
    {
        var path = _compose.Environment("klarsicht")["KUBECONFIG"];
        var file = _compose.HostFileOf("klarsicht", path);
        Assert.NotNull(file);
        var kubeconfig = Yaml.ParseFile(file);
        var context = kubeconfig["contexts"].Items().Single(c => c["name"].Str() == kubeconfig["current-context"].Str());
        var cluster = kubeconfig["clusters"].Items().Single(c => c["name"].Str() == context["context"]!["cluster"].Str());
        var server = new Uri(cluster["cluster"]!["server"].Str()!);
        Assert.Equal("fakekube", server.Host);
        Assert.Contains(_compose.Ports("fakekube"), p => p.Container == server.Port);
        Assert.Contains($"EXPOSE {server.Port}", Repo.Read(_compose.Service("fakekube")["build"]!["dockerfile"].Str()!), StringComparison.Ordinal);
    }

    [Fact]
    public void FakeKube_ServesTheScenarioCorpus()
    {
        var corpus = _compose.Volumes("fakekube").Single(v => v.Target == "/corpus");
        Assert.Equal("./tests/scenarios", corpus.Source);
        Assert.NotEmpty(Directory.GetFiles(Repo.PathOf(corpus.Source), "*.json"));
        Assert.Contains("--corpus /corpus", Repo.Read(_compose.Service("fakekube")["build"]!["dockerfile"].Str()!), StringComparison.Ordinal);
    }

    [Fact]
    public void Alertmanager_RoutesEveryAlertToKlarsichtsWebhookWithItsToken()
    {
        var config = Yaml.ParseFile(ConfigFileOf("alertmanager", "--config.file="));
        var receiver = config["receivers"].Items().Single(r => r["name"].Str() == config["route"]!["receiver"].Str());
        var webhook = receiver["webhook_configs"].Items().Single();

        Assert.Equal(AlertmanagerWebhook, webhook["url"].Str());
        Assert.Equal("true", webhook["send_resolved"].Str());
        Assert.True(int.Parse(webhook["max_alerts"].Str()!, System.Globalization.CultureInfo.InvariantCulture) > 0, "max_alerts bounds one notification");
        var authorization = webhook["http_config"]!["authorization"]!;
        Assert.Equal("Bearer", authorization["type"].Str() ?? "Bearer");
        Assert.Contains(authorization["credentials"].Str(), WebhookTokens());
    }

    [Fact]
    public void Alertmanager_ConfigPassesAmtool()
    {
        var file = Repo.PathOf(ConfigFileOf("alertmanager", "--config.file="));
        if (Tool("amtool") is { } amtool)
        {
            var (exit, output) = Run(amtool, "check-config", file);
            Assert.True(exit == 0, output);
        }
    }

    [Fact]
    public void Prometheus_ScrapesTheFakeApiAndSendsToAlertmanager()
    {
        var config = Yaml.ParseFile(ConfigFileOf("prometheus", "--config.file="));
        var job = config["scrape_configs"].Items().Single(j => j["static_configs"].Items().SelectMany(s => s["targets"].Items()).Any(t => t.Str() == "fakekube:6443"));
        Assert.Equal("/metrics", job["metrics_path"].Str() ?? "/metrics");
        Assert.Equal("kube-state-metrics", job["job_name"].Str());

        var alertmanagers = config["alerting"]!["alertmanagers"].Items().SelectMany(a => a["static_configs"].Items()).SelectMany(s => s["targets"].Items()).Select(t => t.Str());
        Assert.Contains("alertmanager:9093", alertmanagers);
        Assert.Contains(_compose.Ports("alertmanager"), p => p.Container == 9093);
    }

    [Fact]
    public void Prometheus_LoadsTheKubePodCrashLoopingRuleOfKubePrometheus()
    {
        var config = Yaml.ParseFile(ConfigFileOf("prometheus", "--config.file="));
        var pattern = config["rule_files"].Items().Single().Str()!;
        var mounted = _compose.Volumes("prometheus").Where(v => Matches(pattern, v.Target)).ToList();
        Assert.True(mounted.Count > 0, $"no rule file is mounted where {pattern} looks");

        var rule = mounted.Select(v => Yaml.ParseFile(v.Source)).SelectMany(f => f["groups"].Items()).SelectMany(g => g["rules"].Items())
            .Single(r => r["alert"].Str() == "KubePodCrashLooping");
        var expr = rule["expr"].Str()!;
        Assert.Contains("max_over_time(kube_pod_container_status_waiting_reason{", expr, StringComparison.Ordinal);
        Assert.Contains("reason=\"CrashLoopBackOff\"", expr, StringComparison.Ordinal);
        Assert.Contains("job=\"kube-state-metrics\"", expr, StringComparison.Ordinal);
        Assert.EndsWith("[5m]) >= 1", expr, StringComparison.Ordinal);
        Assert.Equal("warning", rule["labels"]!["severity"].Str());

        if (Tool("promtool") is { } promtool)
        {
            foreach (var (source, _, _) in mounted)
            {
                var (exit, output) = Run(promtool, "check", "rules", Repo.PathOf(source));
                Assert.True(exit == 0, output);
            }
        }
    }

    [Fact]
    public void Grafana_ContactPointSignsWithKlarsichtsHmacSecret()
    {
        var environment = _compose.Environment("klarsicht");
        var alerting = GrafanaProvisioning("alerting").Single(d => d["contactPoints"] is not null);
        var contactPoint = alerting["contactPoints"].Items().Single();
        var receiver = contactPoint["receivers"].Items().Single();
        Assert.Equal("webhook", receiver["type"].Str());

        var settings = receiver["settings"]!;
        Assert.Equal(GrafanaWebhook, settings["url"].Str());
        var hmac = settings["hmacConfig"]!;
        Assert.Equal(environment["Klarsicht__Webhooks__GrafanaHmacSecret"], hmac["secret"].Str());

        var defaults = new WebhookOptions();
        Assert.Equal(environment.GetValueOrDefault("Klarsicht__Webhooks__GrafanaSignatureHeader", defaults.GrafanaSignatureHeader), hmac["header"].Str() ?? "X-Grafana-Alerting-Signature");
        Assert.Equal(environment.GetValueOrDefault("Klarsicht__Webhooks__GrafanaTimestampHeader", defaults.GrafanaTimestampHeader), hmac["timestampHeader"].Str());

        var policy = alerting["policies"].Items().Single();
        Assert.Equal(contactPoint["name"].Str(), policy["receiver"].Str());
    }

    [Fact]
    public void Grafana_QueriesThePrometheusService()
    {
        var datasource = GrafanaProvisioning("datasources").SelectMany(d => d["datasources"].Items()).Single();
        Assert.Equal("prometheus", datasource["type"].Str());
        Assert.Equal("http://prometheus:9090", datasource["url"].Str());

        // The provisioned rule queries that datasource (or Grafana's expression engine).
        var rules = GrafanaProvisioning("alerting").SelectMany(d => d["groups"].Items()).SelectMany(g => g["rules"].Items()).ToList();
        foreach (var query in rules.SelectMany(r => r["data"].Items()))
        {
            Assert.Contains(query["datasourceUid"].Str(), new[] { datasource["uid"].Str(), "__expr__" });
        }
    }

    private string ConfigFileOf(string service, string flag)
    {
        var path = _compose.Service(service)["command"].Items().Select(c => c.Str()!).Single(c => c.StartsWith(flag, StringComparison.Ordinal))[flag.Length..];
        return _compose.HostFileOf(service, path) ?? throw new Xunit.Sdk.XunitException($"{service}: {path} is not bind-mounted from the repository");
    }

    private IEnumerable<JsonNode> GrafanaProvisioning(string kind)
    {
        var directory = _compose.HostFileOf("grafana", $"/etc/grafana/provisioning/{kind}") ?? throw new Xunit.Sdk.XunitException($"no {kind} provisioning is mounted into grafana");
        var files = Directory.GetFiles(Repo.PathOf(directory), "*.y*ml");
        Assert.NotEmpty(files);
        return files.Select(f => Yaml.Parse(File.ReadAllText(f)));
    }

    private IEnumerable<string?> WebhookTokens() =>
        _compose.Environment("klarsicht").Where(e => e.Key.StartsWith("Klarsicht__Webhooks__Tokens__", StringComparison.Ordinal)).Select(e => (string?)e.Value);

    private static bool Matches(string glob, string path) =>
        System.Text.RegularExpressions.Regex.IsMatch(path, "^" + System.Text.RegularExpressions.Regex.Escape(glob).Replace("\\*", "[^/]*", StringComparison.Ordinal) + "$");

    private static string? Tool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int Exit, string Output) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
