using Klarsicht.Core.Diagnosis.Patterns;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>
/// Findings from the application's own log. Taxonomy precedence rule 3: among log signals the one nearest
/// the crash that explains the exit wins; earlier warnings and retries are context.
/// </summary>
internal static class LogDetector
{
    // How far before the last signal a more specific line may stand and still belong to the same crash
    // (a stack trace with its frames, a chained exception).
    private const int CrashWindowLines = 60;

    public static List<Finding> Detect(SubjectEvidence subject, LogPatternLibrary library)
    {
        var findings = new List<Finding>();
        var log = ChooseLog(subject);
        if (log is null)
        {
            return findings;
        }

        var hits = LogScanner.Scan(log, library).Where(h => !IsGoPanicSignal(h)).ToList();
        if (hits.Count == 0)
        {
            return findings;
        }

        var anchor = hits[^1].LineNumber;
        var window = hits.Where(h => h.LineNumber >= anchor - CrashWindowLines).ToList();
        var specific = window.Where(h => !h.Pattern.IsGeneric).ToList();
        var generic = window.Where(h => h.Pattern.IsGeneric).ToList();

        var winner = specific.LastOrDefault(h => !h.IsRetry);
        if (winner is null && specific.Count > 0 && (generic.Count == 0 || generic[^1].LineNumber < specific[^1].LineNumber))
        {
            winner = specific[^1];
        }

        winner ??= generic.LastOrDefault();
        if (winner is null)
        {
            return findings;
        }

        // A Go or Rust panic after the specific line is the crash itself: the earlier line (a broker that refused,
        // then recovered) is context. A panic caused by that failure names it on its own or its next line.
        if (generic.LastOrDefault(h => h.Pattern.Id is "go-panic" or "rust-panic") is { } panic && panic.LineNumber > winner.LineNumber
            && !specific.Any(h => h.LineNumber > panic.LineNumber))
        {
            winner = panic;
        }

        // A warning or retry is a cause only if the container stopped soon after it; one followed by a long run of
        // ordinary lines was handled, and the crash left no explanation in the log.
        if (winner.IsRetry && log.Lines.Skip(winner.LineNumber).Count(l => !string.IsNullOrWhiteSpace(l)) > QuietTailLines)
        {
            return findings;
        }

        // The nearest line decides the category; the most telling line of that category (highest weight,
        // most extracted entities) speaks for it: "listen EADDRINUSE :::9090" rather than "code: 'EADDRINUSE'".
        var speaker = window.Where(h => h.Pattern.Category == winner.Pattern.Category && h.IsRetry == winner.IsRetry)
            .OrderByDescending(h => h.Pattern.Weight)
            .ThenByDescending(h => h.Entities.Count)
            .ThenByDescending(h => h.LineNumber)
            .First();
        var focus = subject.Focus?.Name ?? log.Container;
        var cited = WithContext(window, speaker);
        if (!ReferenceEquals(speaker, winner))
        {
            cited.Insert(1, winner);
        }

        var finding = ToFinding(subject, speaker, focus, cited);
        finding = WithEndpoint(finding, window, speaker);
        finding = WithLentEntities(finding, window, speaker);
        finding = WithHostNetwork(finding, subject);
        finding = WithTopFrame(finding, speaker);
        finding = WithCrashReport(finding, window, speaker, winner);
        findings.Add(finding);

        // Runners-up: the strongest hit of each other category anywhere in the log, for `alternatives`.
        foreach (var group in hits.Where(h => h.Pattern.Category != winner.Pattern.Category).GroupBy(h => h.Pattern.Category))
        {
            var best = group.OrderByDescending(h => h.Weight).ThenByDescending(h => h.LineNumber).First();
            findings.Add(ToFinding(subject, best, focus, [best]) with { Strength = best.Weight * 0.7 });
        }

        return findings;
    }

    /// <summary>The log that shows the crash: the previous instance of the focus container, else its current log.</summary>
    internal static ContainerLog? ChooseLog(SubjectEvidence subject)
    {
        var focus = subject.FocusContainer;
        var candidates = subject.Logs.Where(l => focus is null || l.Container == focus).ToList();
        return candidates.FirstOrDefault(l => l.Previous && l.Lines.Count > 0)
            ?? candidates.FirstOrDefault(l => !l.Previous && l.Lines.Count > 0);
    }

    // The winning line plus the generic exception line that closes the same crash, if any, so the RCA cites both.
    private static List<LogHit> WithContext(List<LogHit> window, LogHit winner)
    {
        var context = new List<LogHit> { winner };
        var closing = window.LastOrDefault(h => h.Pattern.IsGeneric && h.LineNumber > winner.LineNumber);
        if (closing is not null && !ReferenceEquals(closing, winner))
        {
            context.Add(closing);
        }

        return context;
    }

    // A give-up line often says only "timed out" or "status 503"; the retries before it name the endpoint.
    // The nearest line of the same failure that names a host lends it, and is cited too.
    private static Finding WithEndpoint(Finding finding, List<LogHit> window, LogHit speaker)
    {
        if (finding.Category is not (Categories.DependencyUnavailable or Categories.DependencyAuthFailure or Categories.NetworkFailure)
            || finding.Entity("host") is not null)
        {
            return finding;
        }

        var entities = new Dictionary<string, string>(finding.Entities, StringComparer.Ordinal);
        var evidence = finding.Evidence.ToList();
        LogHit? donor = null;
        (string Host, string? Port)? lent = null;
        foreach (var h in window.Where(h => h.Pattern.Category == finding.Category).Reverse().Prepend(speaker))
        {
            lent = h.Entity("host") is { } captured ? (captured, h.Entity("port")) : Endpoints.HostOf(h.Line);
            if (lent is not null)
            {
                donor = h;
                break;
            }
        }

        if (donor is null || lent is not { } endpoint)
        {
            return finding;
        }

        entities["host"] = endpoint.Host;
        if (endpoint.Port is { } donorPort)
        {
            entities["port"] = donorPort;
        }

        if (!ReferenceEquals(donor, speaker))
        {
            evidence.Add(Cite.Log(donor));
        }

        var container = finding.Entity("container") ?? speaker.Log.Container;
        var lentHit = speaker with { Entities = new Dictionary<string, string>(speaker.Entities, StringComparer.Ordinal) { ["host"] = entities["host"] } };
        if (entities.TryGetValue("port", out var lentPort) && lentHit.Entity("port") is null)
        {
            lentHit = lentHit with { Entities = new Dictionary<string, string>(lentHit.Entities, StringComparer.Ordinal) { ["port"] = lentPort } };
        }

        return finding with { Entities = entities, Evidence = evidence, Summary = LogSummaries.Describe(finding.Category, container, lentHit) };
    }

    // "failed to load configuration from /etc/app/router.toml" then "TOML parse error at line 23": the parser's
    // line decides, the loader's line names the file a person has to fix. Likewise PostgreSQL's
    // 'invalid value for parameter "shared_buffers"' before 'configuration file ... contains errors'.
    private static readonly string[] LentEntities = ["file", "key"];

    private static Finding WithLentEntities(Finding finding, List<LogHit> window, LogHit speaker)
    {
        if (finding.Category is not (Categories.InvalidConfig or Categories.FileNotFound))
        {
            return finding;
        }

        var lent = new Dictionary<string, string>(speaker.Entities, StringComparer.Ordinal);
        var donors = new List<LogHit>();
        foreach (var name in LentEntities.Where(n => speaker.Entity(n) is null))
        {
            var donor = window.LastOrDefault(h => h.Pattern.Category == finding.Category && h.LineNumber <= speaker.LineNumber && h.Entity(name) is not null);
            if (donor is not null)
            {
                lent[name] = donor.Entity(name)!;
                if (!donors.Contains(donor))
                {
                    donors.Add(donor);
                }
            }
        }

        if (donors.Count == 0)
        {
            return finding;
        }

        var entities = new Dictionary<string, string>(finding.Entities, StringComparer.Ordinal);
        foreach (var name in LentEntities.Where(lent.ContainsKey))
        {
            entities[name] = lent[name];
        }

        var cited = donors.Where(d => !finding.Evidence.Any(e => e.Summary.Contains(d.Line.Trim(), StringComparison.Ordinal))).Select(Cite.Log);
        return finding with
        {
            Entities = entities,
            Evidence = [.. finding.Evidence, .. cited],
            Summary = LogSummaries.Describe(finding.Category, finding.Entity("container") ?? speaker.Log.Container, speaker with { Entities = lent }),
        };
    }

    // A pod on the host's network resolves names through the node's resolver unless its dnsPolicy says
    // ClusterFirstWithHostNet: cluster-local names then fail while public ones work.
    private static Finding WithHostNetwork(Finding finding, SubjectEvidence subject)
    {
        if (finding.Category != Categories.NetworkFailure || subject.Pod is not { HostNetwork: true } pod)
        {
            return finding;
        }

        return finding with
        {
            Summary = $"{finding.Summary} (the pod runs with hostNetwork: true, so it resolves names through the node's resolver unless dnsPolicy is ClusterFirstWithHostNet)",
            Evidence = [.. finding.Evidence, Cite.Spec(pod, "spec.hostNetwork", $"Pod {pod.Name} runs with hostNetwork: true")],
        };
    }

    // Go turns a SIGSEGV in Go code into a runtime panic ("panic: runtime error: invalid memory address or nil
    // pointer dereference" then "[signal SIGSEGV: segmentation violation ...]"): a bug in the app's own code, not a
    // native crash. After "fatal error: unexpected signal" the same signal line does mean native (cgo) code.
    private static bool IsGoPanicSignal(LogHit hit)
    {
        if (hit.Pattern.Category != Categories.NativeCrash || !hit.Line.TrimStart().StartsWith("[signal ", StringComparison.Ordinal))
        {
            return false;
        }

        var previous = hit.LineNumber - 2;
        while (previous >= 0 && string.IsNullOrWhiteSpace(hit.Log.Lines[previous]))
        {
            previous--;
        }

        return previous >= 0 && hit.Log.Lines[previous].TrimStart().StartsWith("panic: ", StringComparison.Ordinal);
    }

    // A native crash report spreads over several lines (signal, problematic frame, library): cite each kind once.
    private static Finding WithCrashReport(Finding finding, List<LogHit> window, LogHit speaker, LogHit winner)
    {
        if (finding.Category != Categories.NativeCrash)
        {
            return finding;
        }

        var others = window.Where(h => h.Pattern.Category == Categories.NativeCrash && !ReferenceEquals(h, speaker) && !ReferenceEquals(h, winner))
            .GroupBy(h => h.Pattern.Id)
            .Select(g => g.First())
            .Take(3)
            .ToList();
        if (others.Count == 0)
        {
            return finding;
        }

        var entities = new Dictionary<string, string>(finding.Entities, StringComparer.Ordinal);
        foreach (var h in others)
        {
            foreach (var (key, value) in h.Entities)
            {
                entities.TryAdd(key, value);
            }
        }

        var merged = speaker with { Entities = entities };
        return finding with
        {
            Entities = entities,
            Evidence = [.. finding.Evidence, .. others.Select(Cite.Log)],
            Summary = LogSummaries.Describe(finding.Category, finding.Entity("container") ?? speaker.Log.Container, merged),
        };
    }

    // An unhandled exception is actionable at the first frame of the app's own code: name it, and cite it.
    private static Finding WithTopFrame(Finding finding, LogHit speaker)
    {
        if (finding.Category != Categories.AppCrash || StackFrames.TopAppFrame(speaker.Log, speaker.LineNumber - 1) is not { } frame)
        {
            return finding;
        }

        var entities = new Dictionary<string, string>(finding.Entities, StringComparer.Ordinal) { ["frame"] = frame.Frame };
        var evidence = finding.Evidence.ToList();
        evidence.Insert(Math.Min(1, evidence.Count), new EvidenceItem("logs",
            $"Top frame of the application's own code: {Cite.Trim(frame.Frame, 300)}",
            $"pod {speaker.Log.Pod}, container {speaker.Log.Container}, {(speaker.Log.Previous ? "previous (crashed) instance" : "current instance")}, line {frame.LineNumber} of {speaker.Log.Lines.Count}",
            null));
        return finding with
        {
            Entities = entities,
            Evidence = evidence,
            Summary = LogSummaries.Describe(finding.Category, finding.Entity("container") ?? speaker.Log.Container, speaker, frame.Frame),
        };
    }

    // More ordinary lines than this after a warning mean the app carried on.
    private const int QuietTailLines = 8;

    private static Finding ToFinding(SubjectEvidence subject, LogHit hit, string container, List<LogHit> cited)
    {
        var entities = new Dictionary<string, string>(hit.Entities, StringComparer.Ordinal) { ["container"] = container, ["line"] = hit.Line.Trim(), ["pattern"] = hit.Pattern.Id };
        return new Finding(
            hit.Pattern.Category,
            FindingTier.Log,
            hit.Weight,
            LogSummaries.Describe(hit.Pattern.Category, container, hit),
            cited.Select(Cite.Log).ToList(),
            entities,
            subject.Focus?.LastTermination?.FinishedAt,
            Rank: hit.LineNumber);
    }
}

/// <summary>One sentence per category, filled in from what the log line says.</summary>
internal static class LogSummaries
{
    public static string Describe(string category, string container, LogHit hit, string? frame = null)
    {
        var line = Cite.Trim(hit.Line.Trim(), 220);
        string? E(string name) => hit.Entity(name);
        var endpoint = E("host") is { } host ? E("port") is { } port ? $"{host}:{port}" : host : null;
        return category switch
        {
            Categories.MissingEnvVar when E("var") is { } v => $"container {container} exits because the environment variable {v} is not set",
            Categories.MissingEnvVar => $"container {container} exits because a required environment variable is not set: {line}",
            Categories.InvalidConfig when E("file") is { } f && E("key") is { } k => $"container {container} rejects the value of {k} in its configuration {f}: {line}",
            Categories.InvalidConfig when E("file") is { } f => $"container {container} rejects its configuration {f}: {line}",
            Categories.InvalidConfig => $"container {container} cannot parse its configuration: {line}",
            Categories.FileNotFound when E("file") is { } f => $"container {container} expects the file {f}, which does not exist in the container",
            Categories.FileNotFound => $"container {container} expects a file that does not exist: {line}",
            Categories.DependencyUnavailable when endpoint is not null => $"container {container} cannot reach its dependency {endpoint}: {line}",
            Categories.DependencyUnavailable => $"container {container} cannot reach a dependency: {line}",
            Categories.DependencyAuthFailure => $"{(endpoint is null ? "a dependency" : endpoint)} rejects the credentials or certificate of container {container}: {line}",
            Categories.SchemaMismatch => $"the schema container {container} meets is not the one it expects: {line}",
            Categories.NetworkFailure when endpoint is not null => $"container {container} cannot resolve or route to {endpoint}: {line}",
            Categories.NetworkFailure => $"container {container} hits a network failure: {line}",
            Categories.OutOfMemory => $"container {container} runs out of memory: {line}",
            Categories.ResourceExhaustion => $"container {container} exhausts a resource: {line}",
            Categories.InvalidCommand when E("command") is { } cmd => $"the command {cmd} of container {container} cannot run: {line}",
            Categories.InvalidCommand => $"the command of container {container} cannot run: {line}",
            Categories.PermissionDenied when E("path") is { } p => $"container {container} lacks permission on {p}: {line}",
            Categories.PermissionDenied => $"container {container} lacks a permission it needs: {line}",
            Categories.MissingDependency when E("module") is { } m => $"the image of container {container} lacks {m}: {line}",
            Categories.MissingDependency => $"the image of container {container} lacks a library or module: {line}",
            Categories.PortConflict when E("port") is { } boundPort => $"container {container} cannot bind port {boundPort} because it is already in use: {line}",
            Categories.PortConflict => $"container {container} cannot bind its port because it is already in use: {line}",
            Categories.NativeCrash when E("module") is { } lib => $"container {container} crashes in native code{(E("signal") is { } sig ? $" ({sig})" : string.Empty)} in {lib}: {line}",
            Categories.NativeCrash => $"container {container} crashes in native code: {line}",
            Categories.AppCrash when E("exception") is { } ex && frame is not null => $"container {container} crashes with an unhandled {ex} in its own code at {Cite.Trim(frame, 200)}: {line}",
            Categories.AppCrash when frame is not null => $"container {container} crashes in its own code at {Cite.Trim(frame, 200)}: {line}",
            Categories.AppCrash when E("exception") is { } ex => $"container {container} crashes with an unhandled {ex} in its own code: {line}",
            Categories.AppCrash => $"container {container} crashes in its own code: {line}",
            _ => $"container {container} fails: {line}",
        };
    }
}
