using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Rcas;
using static Klarsicht.Core.Tests.Diagnosis.Subjects;

namespace Klarsicht.Core.Tests.Diagnosis;

/// <summary>
/// The general mistakes the first held-out corpus (tests/calibration) exposed, one test each, so that they stay fixed
/// independently of the scenario files.
/// </summary>
public sealed class HeldOutFindingsTests
{
    private readonly DiagnosisEngine _engine = new();

    private string Category(int exitCode, params string[] log) =>
        _engine.Diagnose(Bundle(Crashing("ns", "app", Container(last: Terminated(exitCode)), log))).RootCause.Category;

    [Fact]
    public void GoNilPointerPanic_IsAppCrash_ButAnUnexpectedSignalInCgoStaysNative()
    {
        Assert.Equal(Categories.AppCrash, Category(2,
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x30 pc=0x9a4f1c]",
            "",
            "goroutine 1 [running]:",
            "main.main()"));
        Assert.Equal(Categories.NativeCrash, Category(2,
            "fatal error: unexpected signal during runtime execution",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x7f0c2a1d4b71]",
            "runtime stack:"));
    }

    [Fact]
    public void BusErrorForLackOfSharedMemory_IsResourceExhaustion()
    {
        Assert.Equal(Categories.ResourceExhaustion, Category(1,
            "RuntimeError: DataLoader worker (pid 87) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit."));
        Assert.Equal(Categories.NativeCrash, Category(135, "Bus error (core dumped)"));
    }

    [Fact]
    public void ConfigFileLineNamingMaxConnections_IsNotPoolExhaustion()
    {
        Assert.Equal(Categories.InvalidConfig, Category(1,
            "Error: failed to load configuration from /etc/geo-router/router.toml",
            "Caused by:",
            "    TOML parse error at line 23, column 19",
            "    23 | max_connections = \"unlimited\"",
            "    invalid type: string \"unlimited\", expected u32"));
    }

    [Fact]
    public void NotSetWarningWithAFallback_IsNotTheCause()
    {
        Assert.Equal(Categories.FileNotFound, Category(3,
            "WARNING intent_classifier.app MODEL_WARMUP_SAMPLES not set; skipping warmup",
            "onnxruntime.capi.onnxruntime_pybind11_state.NoSuchFile: [ONNXRuntimeError] : 3 : NO_SUCHFILE : Load model from /models/intent/model.onnx failed:Load model /models/intent/model.onnx failed. File doesn't exist"));
    }

    [Fact]
    public void PydanticSettings_RejectedValueIsInvalidConfig_MissingFieldIsMissingEnvVar()
    {
        Assert.Equal(Categories.InvalidConfig, Category(3,
            "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings",
            "ranking_timeout_ms",
            "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='250ms', input_type=str]"));
        Assert.Equal(Categories.MissingEnvVar, Category(3,
            "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings",
            "database_url",
            "  Field required [type=missing, input_value={}, input_type=dict]"));
    }

    [Fact]
    public void AlembicUnknownRevision_IsSchemaMismatch()
    {
        Assert.Equal(Categories.SchemaMismatch, Category(255,
            "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
            "ERROR [alembic.util.messaging] Can't locate revision identified by '5f2c9a1b7e3d'",
            "  FAILED: Can't locate revision identified by '5f2c9a1b7e3d'"));
    }

    [Fact]
    public void PhpRequireOfAMissingFile_IsFileNotFoundNamingIt()
    {
        var diagnosis = _engine.Diagnose(Bundle(Crashing("ns", "worker", Container(last: Terminated(255)),
        [
            "PHP Warning:  require(/app/config/runtime/tenants.php): Failed to open stream: No such file or directory in /app/src/Bootstrap.php on line 14",
            "PHP Fatal error:  Uncaught Error: Failed opening required '/app/config/runtime/tenants.php' (include_path='.:/usr/local/lib/php') in /app/src/Bootstrap.php:14",
        ])));

        Assert.Equal(Categories.FileNotFound, diagnosis.RootCause.Category);
        Assert.Contains("/app/config/runtime/tenants.php", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void ParserLineDecides_LoaderLineNamesTheFile()
    {
        var diagnosis = _engine.Diagnose(Bundle(Crashing("ns", "router", Container(last: Terminated(1)),
        [
            "Error: failed to load configuration from /etc/geo-router/router.toml",
            "Caused by:",
            "    TOML parse error at line 23, column 19",
        ])));

        Assert.Equal(Categories.InvalidConfig, diagnosis.RootCause.Category);
        Assert.Contains("/etc/geo-router/router.toml", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void ExitsZero_SaysWhatTheContainerRuns_WithSecretsRedacted()
    {
        var container = Container(last: Terminated(0, "Completed"), command: ["python", "-m", "digest", "--once", "--password=hunter2hunter2"]);

        var diagnosis = _engine.Diagnose(Bundle(Crashing("ns", "digest", container, ["digest sent to 1204 users", "done"])));

        Assert.Equal(Categories.ExitsZero, diagnosis.RootCause.Category);
        Assert.Contains("--once", diagnosis.RootCause.Summary);
        Assert.DoesNotContain("hunter2hunter2", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void NameResolutionFailure_OnTheHostNetwork_SaysSo()
    {
        var subject = Crashing("ns", "gateway", Container(last: Terminated(1)),
            ["Error: getaddrinfo ENOTFOUND orders-api.shop.svc.cluster.local"]);
        subject = subject with { Pod = subject.Pod! with { HostNetwork = true } };

        var diagnosis = _engine.Diagnose(Bundle(subject));

        Assert.Equal(Categories.NetworkFailure, diagnosis.RootCause.Category);
        Assert.Contains("hostNetwork: true", diagnosis.RootCause.Summary);
    }

    [Fact]
    public void AWarningFollowedByALongOrdinaryRun_IsNotTheCause()
    {
        var lines = new List<string> { "{\"level\": 40, \"msg\": \"partner signature check failed, rejecting\", \"status\": 401}" };
        lines.AddRange(Enumerable.Range(0, 12).Select(i => $"{{\"level\": 30, \"msg\": \"request completed\", \"n\": {i}}}"));

        Assert.Equal(Categories.Unknown, Category(137, [.. lines]));
    }

    [Fact]
    public void APanicAfterARecoveredBrokerError_IsAppCrash()
    {
        Assert.Equal(Categories.AppCrash, Category(101,
            "ERROR rdkafka::client: librdkafka: Global error: BrokerTransportFailure (Local: Broker transport failure): kafka-1:9092/1: Connect to ipv4#10.0.0.7:9092 failed: Connection refused",
            "INFO ingestor: consumer assigned partitions=[0,1,2]",
            "thread 'main' panicked at src/decode/envelope.rs:88:51:",
            "called `Option::unwrap()` on a `None` value"));
    }

    [Fact]
    public void ThreadLimitAndPhpFpmPoolErrors_AreRecognised()
    {
        Assert.Equal(Categories.ResourceExhaustion, Category(1,
            "/usr/local/bundle/gems/sidekiq-7.3.2/lib/sidekiq/component.rb:10:in 'Thread.new': can't create Thread: Resource temporarily unavailable (ThreadError)"));
        Assert.Equal(Categories.InvalidConfig, Category(78,
            "[15-Jun-2026 08:56:30] ERROR: [pool www] pm.max_spare_servers(4) must be greater than pm.min_spare_servers(8)",
            "[15-Jun-2026 08:56:30] ERROR: failed to post process the configuration",
            "[15-Jun-2026 08:56:30] ERROR: FPM initialization failed"));
    }
}
