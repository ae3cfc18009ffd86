using Klarsicht.Testing.Scoring;
using System.Globalization;
using System.Text.Json;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Replay.Checking;
using Klarsicht.Replay.Hosting;
using Klarsicht.Replay.Scoring;

namespace Klarsicht.Replay;

/// <summary>
/// <c>dotnet run --project tests/Klarsicht.Replay -- CORPUS [--json out.json] [--latency-ms 20] [--no-prometheus]
/// [--service-url URL --service-token T] [--parallel N] [--no-fail]</c>, or <c>CORPUS --check</c> to check the files
/// against FORMAT.md without running anything, or <c>--merge a.json b.json ...</c> to pool the results of saved
/// reports (e.g. several held-out corpora) into one report.
/// </summary>
public static class ReplayProgram
{
    private const string Usage =
        "usage: Klarsicht.Replay <corpus-dir> [--json out.json] [--latency-ms 20] [--no-prometheus] [--parallel 1] " +
        "[--service-url http://host:port --service-token T] [--no-fail]\n       Klarsicht.Replay <corpus-dir> --check\n       Klarsicht.Replay --merge report.json report.json ... [--json out.json]";

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        string? corpus = null;
        string? json = null;
        string? serviceUrl = null;
        string? token = null;
        var latencyMs = 0;
        var parallel = 1;
        var noFail = false;
        var prometheus = true;
        var check = false;
        if (args.Length > 0 && args[0] == "--merge")
        {
            var at = Array.IndexOf(args, "--json");
            return await MergeAsync(args[1..(at < 0 ? args.Length : at)], at >= 0 && at + 1 < args.Length ? args[at + 1] : null);
        }

        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--json": json = Value(); break;
                    case "--latency-ms": latencyMs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--service-url": serviceUrl = Value(); break;
                    case "--service-token": token = Value(); break;
                    case "--parallel": parallel = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--no-fail": noFail = true; break;
                    case "--no-prometheus": prometheus = false; break;
                    case "--check": check = true; break;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default:
                        if (args[i].StartsWith('-') || corpus is not null)
                        {
                            throw new ArgumentException($"unknown argument {args[i]}");
                        }

                        corpus = args[i];
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}");
                return 2;
            }
        }

        if (corpus is null)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        if (check)
        {
            return Check(corpus);
        }

        var scenarios = ScenarioLoader.LoadCorpus(corpus).Where(s => s.Expected is not null).ToList();
        Console.WriteLine($"Replaying {scenarios.Count} scenarios from {Path.GetFullPath(corpus)} ...");
        IReadOnlyList<ScenarioResult> results;
        if (serviceUrl is not null)
        {
            // The remote service must already read the same corpus from a fake API shifted the same way (wall clock − now).
            var offset = scenarios.Count == 0 ? TimeSpan.Zero : TimeShift.OffsetToNow(scenarios[0]);
            using var http = ReplayRunner.Client(new Uri(serviceUrl.TrimEnd('/') + "/"), token);
            results = await new ReplayRunner(http) { Parallelism = parallel }.RunAsync(scenarios, offset);
        }
        else
        {
            await using var env = await ReplayEnvironment.StartAsync(scenarios, TimeSpan.FromMilliseconds(latencyMs), prometheus);
            using var http = ReplayRunner.Client(env.Service.BaseUrl, token);
            results = await new ReplayRunner(http, env.Kube) { Parallelism = parallel }.RunAsync(scenarios, env.Offset);
        }

        var report = ReplayReport.Build(Path.GetFullPath(corpus), MachineInfo.Current, results);
        Console.WriteLine();
        report.Print(Console.Out);
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, ReportJson));
            Console.WriteLine($"\nwrote {json}");
        }

        return noFail || report.Passed ? 0 : 1;
    }

    private static async Task<int> MergeAsync(IReadOnlyList<string> reports, string? json)
    {
        if (reports.Count == 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var results = new List<ScenarioResult>();
        foreach (var file in reports)
        {
            await using var stream = File.OpenRead(file);
            var saved = await JsonSerializer.DeserializeAsync<SavedReport>(stream, ReportJson) ?? throw new InvalidDataException($"{file} is not a replay report");
            results.AddRange(saved.Results);
        }

        var report = ReplayReport.Build(string.Join(" + ", reports), MachineInfo.Current, results);
        report.Print(Console.Out);
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, ReportJson));
        }

        return 0;
    }

    private sealed record SavedReport(IReadOnlyList<ScenarioResult> Results);

    private static int Check(string corpus)
    {
        IReadOnlyList<Scenario> scenarios;
        try
        {
            scenarios = ScenarioLoader.LoadCorpus(corpus);
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
        {
            Console.WriteLine(e.Message);
            return 1;
        }

        var problems = CorpusCheck.Run(scenarios);
        foreach (var problem in problems)
        {
            Console.WriteLine(problem);
        }

        Console.WriteLine($"{scenarios.Count} scenarios, {problems.Count} problem(s)");
        return problems.Count == 0 ? 0 : 1;
    }
}
