using Klarsicht.Core.Rcas;

namespace Klarsicht.Notifications.Tests.Infrastructure;

public static class TestRcas
{
    public static readonly DateTimeOffset StartsAt = new(2026, 9, 10, 2, 58, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset CompletedAt = StartsAt.AddSeconds(95);

    public const string DbUrlSecret = "postgres://u:S3cret@db:5432/orders";
    public const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    public const string PlantedSlackToken = "xoxb-9988776655-planted-token-value";

    public static Rca OutOfMemory(
        string ns = "shop",
        string category = Categories.OutOfMemory,
        double confidence = 0.86,
        IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Id = "rca-42",
        Status = RcaStatus.Completed,
        Source = "alertmanager",
        Alert = new RcaAlert(
            "KubePodCrashLooping", "fp-1", "firing", StartsAt,
            labels ?? new Dictionary<string, string> { ["namespace"] = ns, ["pod"] = "checkout-api-6d8f7c9b5-x7k2p", ["team"] = "payments" },
            new Dictionary<string, string>(), 1),
        Target = new RcaTarget("Pod", ns, "checkout-api-6d8f7c9b5-x7k2p", "api", new WorkloadRef("Deployment", "checkout-api")),
        RootCause = new RootCause(
            category,
            "Container api is OOMKilled (exit 137) on every start; the working set reaches the 256Mi limit ~30 s after start.",
            "detail",
            new Culprit("Deployment", ns, "checkout-api"),
            []),
        Confidence = confidence,
        Evidence =
        [
            new EvidenceItem("pod", "Last state OOMKilled, exit code 137, 6 restarts", null, StartsAt),
            new EvidenceItem("metrics", "Working set peaked at 255.8Mi of a 256Mi limit", null, StartsAt),
            new EvidenceItem("logs", "Last log line before the kill", "java.lang.OutOfMemoryError: Java heap space", StartsAt),
        ],
        FixSteps =
        [
            new FixStep("Raise the memory limit to 512Mi", "kubectl -n shop set resources deployment/checkout-api -c api --limits=memory=512Mi"),
            new FixStep("Or roll back to revision 6", "kubectl -n shop rollout undo deployment/checkout-api --to-revision=6"),
        ],
        ReceivedAt = StartsAt.AddSeconds(5),
        CompletedAt = CompletedAt,
    };

    /// <summary>Everything too big: 60 evidence items with 5,000-character log lines, 20 fix steps, a 3-hop chain.</summary>
    public static Rca Huge()
    {
        var logLine = string.Concat(Enumerable.Repeat("ERROR <script>alert(1)</script> & connection to db failed ", 90))[..5000];
        return OutOfMemory() with
        {
            Alert = new RcaAlert(new string('A', 400), "fp", "firing", StartsAt,
                new Dictionary<string, string> { ["namespace"] = "shop" }, new Dictionary<string, string>(), 17),
            RootCause = new RootCause(
                Categories.DependencyUnavailable,
                string.Concat(Enumerable.Repeat("The database is down because its node ran out of disk. ", 100)),
                "detail",
                new Culprit("StatefulSet", "data", "postgres"),
                [
                    new ChainHop("Pod", "shop", "checkout-api-6d8f7c9b5-x7k2p", Categories.DependencyUnavailable, new string('c', 2000)),
                    new ChainHop("Service", "data", "postgres", Categories.DependencyUnavailable, "No ready endpoints"),
                    new ChainHop("StatefulSet", "data", "postgres", Categories.NodePressure, "Evicted: DiskPressure on worker-2"),
                ]),
            Evidence = Enumerable.Range(1, 60)
                .Select(i => new EvidenceItem("logs", $"Log line {i}: " + new string('s', 600), logLine, StartsAt))
                .ToList(),
            FixSteps = Enumerable.Range(1, 20)
                .Select(i => new FixStep($"Step {i}: " + new string('d', 700), "kubectl get pods -n shop | grep checkout > out.txt " + new string('x', 1200)))
                .ToList(),
        };
    }

    /// <summary>Secrets planted wherever outside text reaches a message.</summary>
    public static Rca WithPlantedSecrets() => OutOfMemory() with
    {
        RootCause = new RootCause(
            Categories.DependencyAuthFailure,
            $"password authentication failed connecting to {DbUrlSecret}",
            "detail",
            new Culprit("Deployment", "shop", "checkout-api"),
            [new ChainHop("Pod", "shop", "checkout-api", Categories.DependencyAuthFailure, $"calls with Authorization: Bearer {Jwt}")]),
        Evidence =
        [
            new EvidenceItem("logs", $"DATABASE_URL={DbUrlSecret}", $"curl -H 'Authorization: Bearer {Jwt}' https://pay\nSLACK_TOKEN={PlantedSlackToken}", StartsAt),
            new EvidenceItem("pod", $"env token {PlantedSlackToken}", null, StartsAt),
        ],
        FixSteps = [new FixStep($"Rotate the password in {DbUrlSecret}", $"psql {DbUrlSecret} -c 'select 1'")],
    };

    public static readonly string[] SecretFragments = ["S3cret", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "planted-token-value"];
}
