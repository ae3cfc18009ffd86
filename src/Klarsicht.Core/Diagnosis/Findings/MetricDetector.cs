using System.Globalization;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>Findings from Prometheus facts: memory against the limit, CFS throttling.</summary>
internal static class MetricDetector
{
    public const double ThrottlingThreshold = 0.5;

    public static List<Finding> Detect(SubjectEvidence subject)
    {
        var findings = new List<Finding>();
        var focus = subject.Focus;
        if (focus is null)
        {
            return findings;
        }

        var mine = subject.Metrics.Where(m => m.Container is null || m.Container == focus.Name).ToList();

        var throttling = mine.Where(m => m.Kind == MetricKind.CpuThrottling).OrderByDescending(m => m.Value).FirstOrDefault();
        if (throttling is { Value: >= ThrottlingThreshold })
        {
            var limit = focus.Resources.CpuLimit;
            var usage = mine.FirstOrDefault(m => m.Kind == MetricKind.CpuUsage);
            var evidence = new List<EvidenceItem> { Cite.Metric(throttling) };
            if (usage is not null)
            {
                evidence.Add(Cite.Metric(usage));
            }

            if (limit is not null && subject.Pod is { } pod)
            {
                evidence.Add(Cite.Spec(pod, $"spec.containers[{focus.Name}].resources.limits.cpu", $"Container {focus.Name} has a CPU limit of {limit} (request {focus.Resources.CpuRequest ?? "unset"})"));
            }

            var strength = throttling.Value >= 0.8 ? 0.93 : 0.8;
            findings.Add(new Finding(Categories.CpuThrottling, FindingTier.Metric, strength,
                $"container {focus.Name} is CPU-throttled {throttling.Value.ToString("P0", CultureInfo.InvariantCulture)} of the time under its {limit ?? "small"} CPU limit, too slow to start or to answer its probes",
                evidence, Entities.Of(("container", focus.Name), ("limit", limit), ("ratio", throttling.Value.ToString("0.00", CultureInfo.InvariantCulture))),
                throttling.At, Rank: 0));
        }

        var memory = mine.Where(m => m.Kind is MetricKind.MemoryAtTermination or MetricKind.MemoryPeak && m.Limit is > 0)
            .OrderByDescending(m => m.Value / m.Limit!.Value).FirstOrDefault();
        if (memory is not null && memory.Value / memory.Limit!.Value >= 0.9)
        {
            var killed = focus.LastTermination is { ExitCode: 137 } or { Reason: "OOMKilled" };
            findings.Add(new Finding(Categories.OutOfMemory, FindingTier.Metric, killed ? 0.88 : 0.55,
                $"the working set of container {focus.Name} reached {(memory.Value / memory.Limit.Value).ToString("P0", CultureInfo.InvariantCulture)} of its {Quantity.FormatBytes(memory.Limit.Value)} memory limit",
                [Cite.Metric(memory)], Entities.Of(("container", focus.Name), ("peak", Quantity.FormatBytes(memory.Value)), ("limit", focus.Resources.MemoryLimit ?? Quantity.FormatBytes(memory.Limit.Value))),
                memory.At, Rank: 0));
        }

        return findings;
    }
}
