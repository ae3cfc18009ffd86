using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;
using static Klarsicht.Core.Tests.Diagnosis.Subjects;

namespace Klarsicht.Core.Tests.Diagnosis;

public sealed class DiagnosisEngineTests
{
    private readonly DiagnosisEngine _engine = new();

    private static string AllText(Core.Diagnosis.Diagnosis d) =>
        string.Join("\n", new[] { d.RootCause.Summary, d.RootCause.Detail }.Concat(d.Evidence.Select(e => $"{e.Summary}\n{e.Detail}")));

    [Fact]
    public void DotnetUnhandledException_WithSigabrtExit_IsAppCrashNotNativeCrash()
    {
        var subject = Crashing("shop", "worker", Container(last: Terminated(134)),
        [
            "Unhandled exception. System.NullReferenceException: Object reference not set to an instance of an object.",
            "   at Shop.Worker.PriceSync.ApplyDiscountAsync(PriceRow row, CancellationToken ct) in /src/Shop.Worker/PriceSync.cs:line 142",
            "   at Microsoft.Extensions.Hosting.Internal.Host.TryExecuteBackgroundServiceAsync(BackgroundService backgroundService)",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.AppCrash, diagnosis.RootCause.Category);
        Assert.Contains("NullReferenceException", diagnosis.RootCause.Summary);
        Assert.Contains("PriceSync.cs:line 142", AllText(diagnosis));
    }

    [Fact]
    public void DotnetMissingSetting_WithSigabrtExit_IsMissingEnvVarNamingTheDoubleUnderscoreVariable()
    {
        var subject = Crashing("billing", "api", Container(last: Terminated(134)),
        [
            "Unhandled exception. System.InvalidOperationException: Required setting 'Ledger:ApiKey' is missing. Set the environment variable LEDGER__APIKEY.",
            "   at Billing.Api.Configuration.LedgerOptionsValidator.Validate(String name, LedgerOptions options) in /src/Billing.Api/LedgerOptionsValidator.cs:line 21",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.MissingEnvVar, diagnosis.RootCause.Category);
        Assert.Contains("LEDGER__APIKEY", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void SigabrtWithoutExplanationInLog_StaysNativeCrash()
    {
        var subject = Crashing("shop", "codec", Container(last: Terminated(134)), ["starting codec worker", "FATAL codec init"]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NativeCrash, diagnosis.RootCause.Category);
    }

    [Fact]
    public void RustStackOverflowAbort_IsNativeCrashMentioningStackOverflow()
    {
        var subject = Crashing("risk", "compiler", Container(last: Terminated(134)),
            ["INFO rules_compiler: compiling", "thread 'main' has overflowed its stack", "fatal runtime error: stack overflow"]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NativeCrash, diagnosis.RootCause.Category);
        Assert.Contains("stack overflow", AllText(diagnosis));
    }

    [Fact]
    public void JvmCrashReport_NamesTheNativeLibraryAndSignal()
    {
        var subject = Crashing("sessions", "store", Container(last: Terminated(134)),
        [
            "# A fatal error has been detected by the Java Runtime Environment:",
            "#",
            "#  SIGSEGV (0xb) at pc=0x00007f51c83b2f1a, pid=1, tid=57",
            "# Problematic frame:",
            "# C  [librocksdbjni123.so+0x5b2f1a]  rocksdb::BlockBasedTable::Get()+0x2ea",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NativeCrash, diagnosis.RootCause.Category);
        Assert.Contains("librocksdbjni123.so", diagnosis.RootCause.Summary);
        Assert.Contains("SIGSEGV", AllText(diagnosis));
    }

    [Fact]
    public void MissingSharedLibrary_WithExit127_IsMissingDependencyNotInvalidCommand()
    {
        var subject = Crashing("obs", "gateway", Container(last: Terminated(127)),
            ["/usr/local/bin/gateway: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory"]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.MissingDependency, diagnosis.RootCause.Category);
        Assert.Contains("libssl.so.1.1", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void Exit126WithShellPermissionDenied_IsInvalidCommandNamingTheScript()
    {
        var subject = Crashing("data", "exporter", Container(last: Terminated(126)), ["/docker-entrypoint.sh: line 9: /app/run.sh: Permission denied"]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.InvalidCommand, diagnosis.RootCause.Category);
        Assert.Contains("/app/run.sh", diagnosis.RootCause.Summary);
        Assert.Contains("126", AllText(diagnosis));
    }

    [Fact]
    public void Exit127WithoutLog_StaysInvalidCommand()
    {
        var subject = Crashing("data", "exporter", Container(last: Terminated(127)), []);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.InvalidCommand, diagnosis.RootCause.Category);
    }

    [Fact]
    public void TimeoutToExternalHostByIp_BlamesTheExternalHostName()
    {
        var external = new DependencyEvidence(new DependencyReference("api.taxrates.example.net", null, "env TAX_URL"), DependencyResolution.External, null, null, null);
        var subject = Crashing("tax", "calculator", Container(last: Terminated(1)),
        [
            "level=INFO msg=\"warming rate tables\"",
            "level=ERROR msg=\"startup aborted\" err=\"Get \\\"https://api.taxrates.example.net/v2/rates\\\": dial tcp 203.0.113.40:443: i/o timeout\"",
        ], [external]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.DependencyUnavailable, diagnosis.RootCause.Category);
        Assert.Equal("External", diagnosis.RootCause.Culprit.Kind);
        Assert.Equal("api.taxrates.example.net", diagnosis.RootCause.Culprit.Name);
    }

    [Fact]
    public void GiveUpLineWithoutHost_BorrowsTheHostFromTheRetriesBefore()
    {
        var subject = Crashing("partner", "sync", Container(last: Terminated(1)),
        [
            "WARN upstream https://partner.example.com/api answered 503 Service Unavailable, retrying",
            "WARN upstream https://partner.example.com/api answered 503 Service Unavailable, retrying",
            "ERROR giving up: status=503",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.DependencyUnavailable, diagnosis.RootCause.Category);
        Assert.Equal(new Culprit("External", null, "partner.example.com"), diagnosis.RootCause.Culprit);
    }

    [Fact]
    public void DependencyOnNotReadyNode_CascadesToTheNode()
    {
        var node = Node("worker-2", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
        var redisPod = Pod("pricing", "redis-abc-1", [Container("redis", new ContainerStateFact(ContainerStateKind.Running, null, null, null, null, Now.AddDays(-1), null), restarts: 0, ready: true)], "worker-2");
        var backend = new SubjectEvidence(redisPod.Ref, redisPod, "redis", Deployment("pricing", "redis"), null, [], [], node, [], [], [], [], SiblingFacts.None);
        var service = new ServiceFacts("pricing", "redis", "ClusterIP", null, new Dictionary<string, string>(), "10.96.0.10", [6379], 1, 0);
        var dependency = new DependencyEvidence(new DependencyReference("redis", 6379, "env REDIS"), DependencyResolution.InCluster, service, backend.Workload, backend);
        var subject = Crashing("pricing", "api", Container(last: Terminated(134)),
        [
            "Unhandled exception. StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). UnableToConnect on redis:6379/Interactive",
        ], [dependency]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NodePressure, diagnosis.RootCause.Category);
        Assert.Equal(new Culprit("Node", null, "worker-2"), diagnosis.RootCause.Culprit);
        Assert.Contains("NotReady", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void NodeAlertOnNotReadyNode_IsNodePressureOnThatNode()
    {
        var node = Node("worker-3", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
        var subject = new SubjectEvidence(node.Ref, null, null, null, null, [], [], node, [], [], [], [], SiblingFacts.None);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NodePressure, diagnosis.RootCause.Category);
        Assert.Equal(new Culprit("Node", null, "worker-3"), diagnosis.RootCause.Culprit);
        Assert.Contains("NotReady", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void NodeAlertOnHealthyNode_StaysUnknownWithLowConfidence()
    {
        var node = Node("worker-3");
        var subject = new SubjectEvidence(node.Ref, null, null, null, null, [], [], node, [], [], [], [], SiblingFacts.None);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.Unknown, diagnosis.RootCause.Category);
        Assert.True(diagnosis.Confidence < 0.5);
    }

    [Fact]
    public void CrashWithThinLog_StaysUnknownWithLowConfidence()
    {
        var subject = Crashing("misc", "job", Container(last: Terminated(1)), ["starting", "loading data", "done loading"]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.Unknown, diagnosis.RootCause.Category);
        Assert.True(diagnosis.Confidence < 0.5);
    }

    [Fact]
    public void FailingInitContainer_IsDiagnosedFromItsOwnLog()
    {
        var init = Container("fetch-geoip", last: Terminated(1), isInit: true, command: ["sh", "-c", "cp /seed/GeoLite2-City.mmdb /data/"]);
        var main = Container("api", new ContainerStateFact(ContainerStateKind.Waiting, "PodInitializing", null, null, null, null, null), restarts: 0);
        var pod = Pod("geo", "lookup-abc-1", [main], init: [init], phase: "Pending");
        var subject = new SubjectEvidence(pod.Ref, pod, "fetch-geoip", Deployment("geo", "lookup"), null, [],
            [Log(pod.Name, "fetch-geoip", "cp: can't stat '/seed/GeoLite2-City.mmdb': No such file or directory")], null, [], [], [], [], SiblingFacts.None);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.True(Categories.FileNotFound == diagnosis.RootCause.Category, diagnosis.RootCause.Summary + string.Join("\n", diagnosis.Evidence.Select(e => e.Summary)));
        Assert.Contains("/seed/GeoLite2-City.mmdb", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void JavaNullPointer_NamesTheTopApplicationFrameNotTheJdk()
    {
        var subject = Crashing("ship", "events", Container(last: Terminated(1)),
        [
            "ERROR Uncaught exception in processing loop, shutting down",
            "java.lang.NullPointerException: Cannot invoke \"String.length()\"",
            "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)",
            "\tat com.example.ship.mapping.ShipmentMapper.normalizePostalCode(ShipmentMapper.java:57)",
            "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.AppCrash, diagnosis.RootCause.Category);
        Assert.Contains("ShipmentMapper.normalizePostalCode(ShipmentMapper.java:57)", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void PythonKeyErrorOnData_NamesTheApplicationFileNotSitePackages()
    {
        var subject = Crashing("inv", "sync", Container(last: Terminated(1)),
        [
            "Traceback (most recent call last):",
            "  File \"/app/inventory_sync/main.py\", line 47, in run",
            "    upsert_items(conn, [normalize(i) for i in page])",
            "  File \"/app/inventory_sync/normalize.py\", line 19, in normalize",
            "    \"sku\": item[\"sku\"].strip().upper(),",
            "  File \"/usr/local/lib/python3.12/site-packages/lib/x.py\", line 3, in get",
            "KeyError: 'sku'",
        ]);

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.AppCrash, diagnosis.RootCause.Category);
        Assert.Contains("normalize.py", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void Diagnose_IsDeterministic()
    {
        var subject = Crashing("shop", "worker", Container(last: Terminated(134)),
            ["Unhandled exception. System.InvalidOperationException: boom", "   at Shop.Worker.Run() in /src/Worker.cs:line 3"]);

        var first = _engine.Diagnose(Bundle(subject));
        var second = _engine.Diagnose(Bundle(subject));

        Assert.Equal(first.RootCause.Summary, second.RootCause.Summary);
        Assert.Equal(first.RootCause.Detail, second.RootCause.Detail);
        Assert.Equal(first.RootCause.Culprit, second.RootCause.Culprit);
        Assert.Equal(first.Confidence, second.Confidence);
        Assert.Equal(first.Evidence, second.Evidence);
    }
}
