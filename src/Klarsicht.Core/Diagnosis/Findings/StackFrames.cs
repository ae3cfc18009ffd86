using System.Text.RegularExpressions;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>
/// Reads the stack trace around an exception line and finds the innermost frame of the application's own code,
/// skipping the runtime, the standard library and third-party packages. Knows the trace shapes of Python,
/// the JVM, .NET, Node.js, Ruby and Go.
/// </summary>
internal static partial class StackFrames
{
    // How far a trace may reach from its exception line.
    private const int MaxTraceLines = 80;

    [GeneratedRegex(@"^\s*File ""(?<file>[^""]+)"", line (?<line>\d+)(?:, in (?<func>\S+))?", RegexOptions.CultureInvariant)]
    private static partial Regex PythonFrame();

    [GeneratedRegex(@"^\s+at (?<method>[\w$.<>/\-]+)\((?<where>[^)]*)\)\s*(?:~?\[[^\]]*\])?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex JvmFrame();

    [GeneratedRegex(@"^(?:[\w$.\-]+\.(?:java|kt|kts|scala|groovy|clj)(?::\d+)?|Native Method|Unknown Source|[\w$.\-]+\.(?:java|kt|scala))$", RegexOptions.CultureInvariant)]
    private static partial Regex JvmLocation();

    [GeneratedRegex(@"^\s+at (?<method>[^\s(][^(]*\([^)]*\))(?: in (?<file>.+?):line (?<line>\d+))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DotnetFrame();

    [GeneratedRegex(@"^\s+at (?:(?:async )?(?<fn>[^\s(]+) \()?(?<file>(?:file://)?[^\s()]+):(?<line>\d+):(?<col>\d+)\)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NodeFrame();

    [GeneratedRegex(@"^\s*(?:from )?(?<file>[^\s:]+\.rb):(?<line>\d+):in [`'](?<method>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex RubyFrame();

    [GeneratedRegex(@"^\s+(?<file>/[^\s:]+\.go):(?<line>\d+)(?: \+0x[0-9a-f]+)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex GoFileLine();

    private static readonly string[] JvmLibraries =
    [
        "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.", "org.springframework.", "org.apache.", "org.hibernate.",
        "io.netty.", "reactor.", "io.micrometer.", "com.fasterxml.", "org.eclipse.", "io.undertow.", "io.ktor.", "io.vertx.", "io.quarkus.", "org.jboss.",
        "com.google.", "okhttp3.", "retrofit2.", "ch.qos.", "org.slf4j.", "io.grpc.", "akka.", "org.junit.",
    ];

    private static readonly string[] DotnetLibraries =
    [
        "System.", "Microsoft.", "Npgsql.", "MySqlConnector.", "StackExchange.", "Grpc.", "Polly.", "Newtonsoft.", "MediatR.", "Dapper.", "Serilog.", "Confluent.",
        "RabbitMQ.", "MassTransit.", "Amazon.", "Azure.", "Google.", "Hangfire.", "Quartz.", "FluentValidation.", "AutoMapper.", "Refit.",
    ];

    public sealed record FrameHit(string Frame, int LineNumber);

    /// <summary>The innermost application frame of the trace that belongs to the exception on line <paramref name="index"/> (0-based).</summary>
    public static FrameHit? TopAppFrame(ContainerLog log, int index)
    {
        var lines = log.Lines;
        if (index < 0 || index >= lines.Count)
        {
            return null;
        }

        // Ruby puts the raising frame on the exception line itself.
        if (RubyFrame().Match(lines[index]) is { Success: true } rubyHead && !IsRubyLibrary(rubyHead.Groups["file"].Value))
        {
            return new FrameHit($"{rubyHead.Groups["file"].Value}:{rubyHead.Groups["line"].Value} in {rubyHead.Groups["method"].Value}", index + 1);
        }

        return PythonBefore(lines, index) ?? FramesAfter(lines, index);
    }

    // Python prints the trace before the exception, innermost frame last.
    private static FrameHit? PythonBefore(IReadOnlyList<string> lines, int index)
    {
        FrameHit? any = null;
        for (var i = index - 1; i >= Math.Max(0, index - MaxTraceLines); i--)
        {
            var line = lines[i];
            if (line.StartsWith("Traceback (most recent call last)", StringComparison.Ordinal))
            {
                break;
            }

            if (PythonFrame().Match(line) is not { Success: true } m)
            {
                continue;
            }

            var file = m.Groups["file"].Value;
            var frame = new FrameHit($"{file}, line {m.Groups["line"].Value}{(m.Groups["func"].Success ? $", in {m.Groups["func"].Value}" : string.Empty)}", i + 1);
            any ??= frame;
            if (!file.Contains("site-packages", StringComparison.Ordinal) && !file.Contains("dist-packages", StringComparison.Ordinal)
                && !file.StartsWith("/usr/lib/python", StringComparison.Ordinal) && !file.StartsWith("/usr/local/lib/python", StringComparison.Ordinal) && !file.StartsWith('<'))
            {
                return frame;
            }
        }

        return any;
    }

    private static FrameHit? FramesAfter(IReadOnlyList<string> lines, int index)
    {
        FrameHit? first = null;
        string? goFunction = null;
        var end = Math.Min(lines.Count, index + 1 + MaxTraceLines);
        for (var i = index + 1; i < end; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            if (JvmFrame().Match(line) is { Success: true } jvm && JvmLocation().IsMatch(jvm.Groups["where"].Value))
            {
                var method = jvm.Groups["method"].Value;
                var frame = new FrameHit($"{method}({jvm.Groups["where"].Value})", i + 1);
                first ??= frame;
                if (!JvmLibraries.Any(p => method.StartsWith(p, StringComparison.Ordinal)) && !method.Contains('/', StringComparison.Ordinal))
                {
                    return frame;
                }

                continue;
            }

            if (NodeFrame().Match(line) is { Success: true } node)
            {
                var file = node.Groups["file"].Value;
                var frame = new FrameHit($"{(node.Groups["fn"].Success ? node.Groups["fn"].Value + " " : string.Empty)}({file}:{node.Groups["line"].Value})", i + 1);
                first ??= frame;
                if (!file.StartsWith("node:", StringComparison.Ordinal) && !file.Contains("node_modules", StringComparison.Ordinal) && !file.StartsWith("internal/", StringComparison.Ordinal))
                {
                    return frame;
                }

                continue;
            }

            if (DotnetFrame().Match(line) is { Success: true } dotnet)
            {
                var method = dotnet.Groups["method"].Value;
                var file = dotnet.Groups["file"].Success ? dotnet.Groups["file"].Value : null;
                var frame = new FrameHit(file is null ? method : $"{method} in {file}:line {dotnet.Groups["line"].Value}", i + 1);
                first ??= frame;
                if (!DotnetLibraries.Any(p => method.StartsWith(p, StringComparison.Ordinal)) && file?.StartsWith("/_/", StringComparison.Ordinal) != true)
                {
                    return frame;
                }

                continue;
            }

            if (RubyFrame().Match(line) is { Success: true } ruby)
            {
                var file = ruby.Groups["file"].Value;
                var frame = new FrameHit($"{file}:{ruby.Groups["line"].Value} in {ruby.Groups["method"].Value}", i + 1);
                first ??= frame;
                if (!IsRubyLibrary(file))
                {
                    return frame;
                }

                continue;
            }

            // Go: a function line, then its file:line indented by a tab.
            if (GoFileLine().Match(line) is { Success: true } go)
            {
                var file = go.Groups["file"].Value;
                var frame = new FrameHit($"{goFunction ?? "?"} ({file}:{go.Groups["line"].Value})", i + 1);
                if (goFunction is not null && !goFunction.StartsWith("runtime.", StringComparison.Ordinal) && !goFunction.StartsWith("panic(", StringComparison.Ordinal))
                {
                    first ??= frame;
                    if (!file.Contains("/go/pkg/mod/", StringComparison.Ordinal) && !file.StartsWith("/usr/local/go/", StringComparison.Ordinal))
                    {
                        return frame;
                    }
                }

                continue;
            }

            if (!char.IsWhiteSpace(line[0]) && line.EndsWith(')') && line.Contains('(', StringComparison.Ordinal) && !line.Contains(' ', StringComparison.Ordinal))
            {
                goFunction = line[..line.IndexOf('(', StringComparison.Ordinal)];
                continue;
            }

            if (line.StartsWith("goroutine ", StringComparison.Ordinal) || line.StartsWith("Caused by:", StringComparison.Ordinal)
                || line.TrimStart().StartsWith("at ", StringComparison.Ordinal)
                || line.TrimStart().StartsWith("---", StringComparison.Ordinal) || line.TrimStart().StartsWith("...", StringComparison.Ordinal)
                || line.TrimStart().StartsWith("[", StringComparison.Ordinal) || line.TrimStart().StartsWith("code:", StringComparison.Ordinal)
                || line.TrimStart() is "}" or "{")
            {
                continue;
            }

            // Any other line ends the trace.
            break;
        }

        return first;
    }

    private static bool IsRubyLibrary(string file) =>
        file.Contains("/gems/", StringComparison.Ordinal) || file.Contains("/ruby/", StringComparison.Ordinal) || file.StartsWith("<internal:", StringComparison.Ordinal);
}
