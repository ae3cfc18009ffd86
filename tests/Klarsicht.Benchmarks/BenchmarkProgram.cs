using System.Globalization;
using Klarsicht.Benchmarks.Suites;

namespace Klarsicht.Benchmarks;

/// <summary><c>dotnet run -c Release --project tests/Klarsicht.Benchmarks -- SUITE [options]</c>; see README.md.</summary>
public static class BenchmarkProgram
{
    private const string Usage =
        "usage: Klarsicht.Benchmarks <engine|alert-to-rca|intake|storm|memory|start|query|all> [--latency-ms 20] [--deliveries 20000] " +
        "[--concurrency 64] [--workloads 500] [--postgres CONNSTR (every suite but engine)] [--alerts 2000] [--storms 10] [--runs 5] [--rows 100000] [--requests 500]";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"bad argument {args[i]}\n{Usage}");
                return 2;
            }

            options[args[i][2..]] = args[++i];
        }

        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var storage = new Infrastructure.BenchStorage(options.GetValueOrDefault("postgres"));
        var suites = args[0] == "all" ? ["engine", "alert-to-rca", "intake", "storm", "memory", "start", "query"] : new[] { args[0] };
        foreach (var suite in suites)
        {
            switch (suite)
            {
                case "engine": await EngineSuite.RunAsync(); break;
                case "alert-to-rca": await AlertToRcaSuite.RunAsync(Int("latency-ms", 20), storage); break;
                case "intake": await IntakeSuite.RunAsync(Int("deliveries", 20_000), Int("concurrency", 64), Int("workloads", 500), options.GetValueOrDefault("postgres")); break;
                case "storm": await StormSuite.RunAsync(1, Int("alerts", 2000), Int("workloads", 50), Int("latency-ms", 20), memory: false, storage); break;
                case "memory": await StormSuite.RunAsync(Int("storms", 10), Int("alerts", 2000), Int("workloads", 50), Int("latency-ms", 20), memory: true, storage); break;
                case "start": await StartSuite.RunAsync(Int("runs", 5), storage); break;
                case "query": await QuerySuite.RunAsync(Int("rows", 100_000), Int("requests", 500), storage); break;
                default:
                    Console.Error.WriteLine($"unknown suite {suite}\n{Usage}");
                    return 2;
            }
        }

        return 0;
    }
}
