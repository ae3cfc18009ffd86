using Klarsicht.Core.Diagnosis.Findings;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis;

/// <summary>
/// Picks one finding by the taxonomy's precedence and turns the strength and agreement of the evidence
/// into a confidence.
/// </summary>
internal static class Arbiter
{
    // Kubelet facts at or above this rank are decisive whatever the log says.
    private const int DecisiveRank = 70;

    public const double UnknownConfidence = 0.35;

    public static Finding Choose(SubjectEvidence subject, IReadOnlyList<Finding> findings)
    {
        var runtime = findings.Where(f => f.Tier == FindingTier.Runtime).OrderByDescending(f => f.Rank).ThenByDescending(f => f.Strength).ToList();
        var log = findings.FirstOrDefault(f => f.Tier == FindingTier.Log);
        var specificLog = log is not null && log.Category != Categories.AppCrash ? log : null;
        var throttling = findings.FirstOrDefault(f => f.Category == Categories.CpuThrottling);
        var memory = findings.FirstOrDefault(f => f.Tier == FindingTier.Metric && f.Category == Categories.OutOfMemory && f.Strength >= 0.8);

        if (runtime.FirstOrDefault(f => f.Rank >= DecisiveRank) is { } decisive)
        {
            return decisive;
        }

        // Exit 126/127 alone only says "the shell could not run something"; a loader or shell line that
        // names the missing library, script or permission is the more specific reading of the same exit.
        if (runtime.FirstOrDefault(f => f.Category == Categories.InvalidCommand && f.Entity("basis") == "exit-code") is { } exitCodeOnly)
        {
            // 126 is "found but not executable": a permission error on the entrypoint is that same fact, so the
            // category stays invalid_command and the log line names the file.
            if (specificLog is { Category: Categories.PermissionDenied } denied && exitCodeOnly.Entity("exitCode") == "126")
            {
                return exitCodeOnly with
                {
                    Summary = $"{exitCodeOnly.Summary}; {Cite.Trim(denied.Entity("line") ?? denied.Summary, 220)}",
                    Evidence = [.. exitCodeOnly.Evidence, .. denied.Evidence],
                    Entities = new Dictionary<string, string>(exitCodeOnly.Entities, StringComparer.Ordinal) { ["command"] = denied.Entity("path") ?? exitCodeOnly.Entity("command") ?? string.Empty },
                };
            }

            return specificLog is { Category: Categories.MissingDependency or Categories.InvalidCommand or Categories.PermissionDenied or Categories.FileNotFound }
                ? specificLog
                : exitCodeOnly;
        }

        if (runtime.FirstOrDefault(f => f.Category == Categories.NativeCrash) is { } native)
        {
            // SIGABRT and SIGSEGV after the runtime reports exhausted memory are memory, not native bugs.
            if (specificLog?.Category == Categories.OutOfMemory)
            {
                return specificLog;
            }

            // Managed runtimes (.NET, a Rust panic with panic=abort, C++ std::terminate) abort with SIGABRT after
            // an unhandled error they have already explained in the log: that explanation is the cause.
            if (native.Entity("signal") == "SIGABRT" && log is not null && log.Category != Categories.NativeCrash && IsManagedFailure(log))
            {
                return log;
            }

            // The runtime's own crash report (signal, problematic frame, library) says more than the exit code.
            if (log is { Category: Categories.NativeCrash } nativeLog && memory is null && nativeLog.Entity("module") is not null)
            {
                return nativeLog;
            }

            return memory ?? native;
        }

        if (runtime.FirstOrDefault(f => f.Category == Categories.LivenessProbeFailure) is { } liveness)
        {
            return throttling ?? (specificLog is { Tier: FindingTier.Log, Strength: >= 0.85 } && IsCrashCause(specificLog) ? specificLog : liveness);
        }

        if (runtime.FirstOrDefault(f => f.Category == Categories.ReadinessProbeFailure) is { } readiness)
        {
            return throttling ?? specificLog ?? readiness;
        }

        return specificLog ?? memory ?? throttling ?? log ?? Unknown(subject);
    }

    // Out-of-memory in the runtime's own words explains a liveness kill too (the process stops answering).
    private static bool IsCrashCause(Finding log) => log.Category is Categories.OutOfMemory;

    // A specific log cause, or an unhandled exception or panic the runtime reported before aborting; a bare
    // "FATAL" level line says nothing about why the process aborted.
    private static bool IsManagedFailure(Finding log) =>
        log.Category != Categories.AppCrash || log.Entity("exception") is not null || log.Entity("pattern") is "rust-panic" or "go-panic";

    public static double Confidence(Finding winner, IReadOnlyList<Finding> findings)
    {
        if (winner.Category == Categories.Unknown)
        {
            return winner.Strength;
        }

        var confidence = winner.Tier switch
        {
            FindingTier.Log => 0.5 + (0.48 * winner.Strength),
            _ => winner.Strength,
        };

        // Agreement: the same cause seen from another angle (log and kubelet, metric and kubelet).
        var agreeing = findings.Where(f => !ReferenceEquals(f, winner) && f.Category == winner.Category && f.Tier != winner.Tier).Select(f => f.Tier).Distinct().Count();
        confidence += 0.03 * agreeing;

        // Disagreement: a strong finding of another category that lost on precedence.
        var rival = findings.Where(f => f.Category != winner.Category && !ReferenceEquals(f, winner)).Select(f => f.Tier == FindingTier.Log ? 0.5 + (0.48 * f.Strength) : f.Strength).DefaultIfEmpty(0).Max();
        if (winner.Tier != FindingTier.Runtime || winner.Rank < DecisiveRank)
        {
            confidence -= 0.3 * Math.Max(0, rival - 0.75);
        }

        return Math.Round(Math.Clamp(confidence, 0.05, 0.99), 2);
    }

    public static IReadOnlyList<Alternative> Alternatives(Finding winner, IReadOnlyList<Finding> findings, double confidence)
    {
        return findings
            .Where(f => f.Category != winner.Category && f.Category != Categories.Unknown)
            .GroupBy(f => f.Category)
            .Select(g => g.OrderByDescending(f => f.Strength).First())
            .Select(f => new Alternative(f.Category, Math.Round(Math.Min(confidence - 0.05, Math.Max(0.02, (1 - confidence) * f.Strength)), 2), Capitalise(f.Summary)))
            .Where(a => a.Confidence > 0)
            .OrderByDescending(a => a.Confidence)
            .ThenBy(a => a.Category, StringComparer.Ordinal)
            .Take(3)
            .ToList();
    }

    public static Finding Unknown(SubjectEvidence subject)
    {
        var focus = subject.Focus;
        var evidence = new List<EvidenceItem>();
        string summary;
        if (subject.Pod is { } pod && focus is not null)
        {
            if (focus.LastTermination is { } t)
            {
                evidence.Add(Cite.Termination(pod, focus, t));
            }
            else if (focus.State?.Kind == ContainerStateKind.Waiting)
            {
                evidence.Add(Cite.Waiting(pod, focus));
            }

            var log = LogDetector.ChooseLog(subject);
            evidence.Add(new EvidenceItem("logs",
                log is null ? $"Container {focus.Name} wrote no log lines before it stopped" : $"The log of container {focus.Name} ({log.Lines.Count} lines) names no cause",
                null, null));
            summary = focus.LastTermination is { } last
                ? $"container {focus.Name} of pod {pod.Name} exits with code {last.ExitCode} but leaves no evidence of why: no error in its log, no kubelet reason, no resource limit hit"
                : $"pod {pod.Name} is not healthy, but the evidence collected points to no cause";
        }
        else
        {
            summary = $"{subject.Ref} shows no failure the collectors could explain";
        }

        return new Finding(Categories.Unknown, FindingTier.Symptom, UnknownConfidence, summary, evidence, Finding.NoEntities);
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
