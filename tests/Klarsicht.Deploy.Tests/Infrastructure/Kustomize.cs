using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>Renders kustomizations with <c>kubectl kustomize</c> (cached per directory for the test run).</summary>
public static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<JsonNode>>> Cache = new(StringComparer.Ordinal);

    /// <summary><c>kubectl</c> on PATH or in /usr/bin, or null.</summary>
    public static string? Kubectl { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);

    public const string Missing = "kubectl is not installed (PATH, /usr/bin): the kustomize renders were not checked. Install kubectl to run these checks.";

    /// <summary>The objects <c>kubectl kustomize</c> renders from <paramref name="directory"/> (absolute or relative to the repository).</summary>
    public static IReadOnlyList<JsonNode> Render(string directory) =>
        Cache.GetOrAdd(Path.GetFullPath(Path.Combine(Repo.Root, directory)), d => new Lazy<IReadOnlyList<JsonNode>>(() => RenderNow(d))).Value;

    private static IReadOnlyList<JsonNode> RenderNow(string directory)
    {
        var info = new ProcessStartInfo(Kubectl ?? throw new InvalidOperationException(Missing)) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl kustomize {directory} failed ({process.ExitCode}): {error.Result}");
        }

        return Yaml.ParseAll(output);
    }

    public static IEnumerable<JsonNode> OfKind(this IEnumerable<JsonNode> objects, string kind) => objects.Where(o => o["kind"].Str() == kind);

    public static JsonNode Single(this IEnumerable<JsonNode> objects, string kind) =>
        objects.OfKind(kind).ToList() is [var one] ? one : throw new Xunit.Sdk.XunitException($"expected exactly one {kind}");
}
