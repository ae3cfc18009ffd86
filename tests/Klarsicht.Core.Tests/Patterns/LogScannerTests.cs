using Klarsicht.Core.Diagnosis.Patterns;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Tests.Patterns;

/// <summary>One test per phrasing family: the line, the category it must land in, and the entity it must extract.</summary>
public sealed class LogScannerTests
{
    private static LogHit? Scan(string line)
    {
        var hits = LogScanner.Scan(new ContainerLog("pod", "app", true, [line], false), LogPatternLibrary.Default);
        return hits.Count == 0 ? null : hits[^1];
    }

    [Theory]
    // .NET options validation that names the environment variable (double underscore = nested key).
    [InlineData("Unhandled exception. System.InvalidOperationException: Required setting 'Ledger:ApiKey' is missing. Set the environment variable LEDGER__APIKEY.", "var", "LEDGER__APIKEY")]
    // Rust anyhow/envy style: present but empty.
    [InlineData("    environment variable `TILE_BUCKET` is set but empty", "var", "TILE_BUCKET")]
    public void MissingEnvironmentVariable_IsRecognisedWithTheVariable(string line, string entity, string value)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.MissingEnvVar, hit.Pattern.Category);
        Assert.Equal(value, hit.Entity(entity));
    }

    [Theory]
    [InlineData("cp: can't stat '/seed/GeoLite2-City.mmdb': No such file or directory", "/seed/GeoLite2-City.mmdb")]
    [InlineData("cp: cannot stat '/seed/a.db': No such file or directory", "/seed/a.db")]
    [InlineData("cat: /etc/app/token: No such file or directory", "/etc/app/token")]
    [InlineData("/usr/local/bundle/gems/sidekiq-7.3.8/lib/sidekiq/cli.rb:331:in `read': No such file or directory @ rb_sysopen - /app/config/sidekiq.yml (Errno::ENOENT)", "/app/config/sidekiq.yml")]
    public void MissingFile_IsFileNotFoundWithThePath(string line, string file)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.FileNotFound, hit.Pattern.Category);
        Assert.Equal(file, hit.Entity("file"));
    }

    [Theory]
    [InlineData("[2026-03-01T11:55:37Z][1][critical][main] [source/server/server.cc:131] error initializing configuration '/etc/envoy/envoy.yaml': Protobuf message (type envoy.config.bootstrap.v3.Bootstrap reason INVALID_ARGUMENT:(static_resources.clusters[0]) lb_polcy: Cannot find field.) has unknown fields", "file", "/etc/envoy/envoy.yaml")]
    [InlineData("SyntaxError: /app/config/rules.json: Expected ',' or '}' after property value in JSON at position 1432 (line 58 column 7)", "file", "/app/config/rules.json")]
    [InlineData("org.apache.kafka.common.config.ConfigException: Invalid value 7d for configuration log.retention.hours: Not a number of type INT", "key", "log.retention.hours")]
    [InlineData("    Origin: System Environment Property \"SERVER_TOMCAT_THREADS_MAX\"", "key", "SERVER_TOMCAT_THREADS_MAX")]
    public void RejectedConfiguration_IsInvalidConfigWithWhatWasRejected(string line, string entity, string value)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.InvalidConfig, hit.Pattern.Category);
        Assert.Equal(value, hit.Entity(entity));
    }

    [Theory]
    [InlineData("Could not find nokogiri-1.18.2-x86_64-linux-gnu in locally installed gems (Bundler::GemNotFound)", "nokogiri")]
    [InlineData("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'pino-pretty' imported from /app/dist/logger.js", "pino-pretty")]
    [InlineData("/usr/local/bin/vector-gw: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory", "libssl.so.1.1")]
    public void MissingLibrary_IsMissingDependencyWithTheModule(string line, string module)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.MissingDependency, hit.Pattern.Category);
        Assert.Equal(module, hit.Entity("module"));
    }

    [Fact]
    public void JavaWrongJarfile_IsInvalidCommand()
    {
        var hit = Scan("Error: Unable to access jarfile /app/billing-sync-all.jar");
        Assert.NotNull(hit);
        Assert.Equal(Categories.InvalidCommand, hit.Pattern.Category);
        Assert.Equal("/app/billing-sync-all.jar", hit.Entity("command"));
    }

    [Theory]
    [InlineData("Unhandled exception. StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). UnableToConnect on pricing-redis:6379/Interactive", "pricing-redis")]
    [InlineData("giving up after 5 attempts: sftp.partner.example.com:22 refused the connection", "sftp.partner.example.com")]
    [InlineData("[Consumer clientId=c-0] Connection to node -1 (kafka-0.kafka-headless/<unresolved>:9092) could not be established. Node may not be available.", "kafka-0.kafka-headless")]
    public void UnreachableDependency_IsDependencyUnavailableWithTheHost(string line, string host)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.DependencyUnavailable, hit.Pattern.Category);
        Assert.Equal(host, hit.Entity("host"));
    }

    [Theory]
    [InlineData("{\"level\": \"error\", \"err\": {\"code\": 14, \"details\": \"Name resolution failed for target dns:payments-grpc.payments.svc.cluster.local:50051\"}}", "payments-grpc.payments.svc.cluster.local")]
    [InlineData("Unhandled exception. System.Net.Http.HttpRequestException: Network is unreachable (10.250.18.7:443)", "10.250.18.7")]
    public void BrokenNetworkPath_IsNetworkFailure(string line, string host)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.NetworkFailure, hit.Pattern.Category);
        Assert.Equal(host, hit.Entity("host"));
    }

    [Theory]
    [InlineData("thread 'main' has overflowed its stack")]
    [InlineData("fatal runtime error: stack overflow")]
    [InlineData("# C  [librocksdbjni1482936114218263437.so+0x5b2f1a]  rocksdb::BlockBasedTable::Get()+0x2ea")]
    public void NativeCrashReport_IsNativeCrash(string line)
    {
        var hit = Scan(line);
        Assert.NotNull(hit);
        Assert.Equal(Categories.NativeCrash, hit.Pattern.Category);
    }

    [Fact]
    public void ScriptPermissionDenied_NamesTheScript()
    {
        var hit = Scan("/docker-entrypoint.sh: line 9: /app/run.sh: Permission denied");
        Assert.NotNull(hit);
        Assert.Equal(Categories.PermissionDenied, hit.Pattern.Category);
        Assert.Equal("/app/run.sh", hit.Entity("path"));
    }

    [Theory]
    [InlineData("INFO processed 250 records in 12 ms")]
    [InlineData("DEBUG cache warm: 1840 entries")]
    public void NoiseLine_MatchesNothing(string line) => Assert.Null(Scan(line));
}

public sealed class LogPatternLibraryTests
{
    [Fact]
    public void Candidates_NeverDropAPatternWhoseKeywordIsInTheLine_WhateverTheCase()
    {
        var library = LogPatternLibrary.Default;
        foreach (var pattern in library.Patterns)
        {
            foreach (var keyword in pattern.Keywords)
            {
                foreach (var spelled in new[] { keyword, keyword.ToUpperInvariant(), keyword.ToLowerInvariant() })
                {
                    var line = $"2026-03-01T12:00:00Z something happened: {spelled} (see above)";
                    Assert.Contains(pattern, library.Candidates(line));
                }
            }
        }
    }

    [Fact]
    public void EveryPattern_NamesAKnownCategory() =>
        Assert.All(LogPatternLibrary.Default.Patterns, p => Assert.True(Rcas.Categories.IsKnown(p.Category), p.Id));
}
