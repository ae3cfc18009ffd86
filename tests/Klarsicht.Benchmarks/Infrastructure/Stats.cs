using Klarsicht.Replay.Scoring;

namespace Klarsicht.Benchmarks.Infrastructure;

/// <summary>Small helpers for printing numbers.</summary>
internal static class Stats
{
    public static string Ms(Percentiles p) => $"p50 {p.P50:0.0} ms, p95 {p.P95:0.0} ms, p99 {p.P99:0.0} ms, max {p.Max:0.0} ms (n={p.Count})";

    public static string Mb(long bytes) => $"{bytes / 1024d / 1024d:0.0} MiB";

    public static void Header(string suite)
    {
        Console.WriteLine();
        Console.WriteLine($"== {suite} ==");
        Console.WriteLine($"machine: {Klarsicht.Replay.MachineInfo.Current}");
    }
}
