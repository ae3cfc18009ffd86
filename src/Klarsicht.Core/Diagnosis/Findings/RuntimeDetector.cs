using System.Text.RegularExpressions;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Findings;

/// <summary>
/// Findings from what the kubelet, scheduler and controllers recorded: container states, termination
/// reasons, events, node conditions and claims. These outrank log lines (taxonomy precedence rule 2).
/// </summary>
internal static partial class RuntimeDetector
{
    [GeneratedRegex(@"(?<kind>secret|configmap) ""(?<name>[^""]+)"" not found", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ObjectNotFound();

    [GeneratedRegex(@"couldn't find key (?<key>\S+) in (?<kind>Secret|ConfigMap) (?<ns>[^/\s]+)/(?<name>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex KeyNotFound();

    [GeneratedRegex(@"node\.kubernetes\.io/(?<taint>disk-pressure|memory-pressure|pid-pressure|not-ready|unreachable)", RegexOptions.CultureInvariant)]
    private static partial Regex PressureTaint();

    [GeneratedRegex(@"low on resource: (?<resource>[\w\-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex EvictionResource();

    [GeneratedRegex(@"storageclass\.storage\.k8s\.io ""(?<name>[^""]+)"" not found", RegexOptions.CultureInvariant)]
    private static partial Regex StorageClassNotFound();

    public static List<Finding> Detect(SubjectEvidence subject)
    {
        var findings = new List<Finding>();
        var pod = subject.Pod;
        if (pod is null)
        {
            DetectNodeSubject(subject, findings);
            return findings;
        }

        DetectNode(subject, pod, findings);
        DetectScheduling(subject, pod, findings);
        DetectVolumes(subject, pod, findings);
        foreach (var container in pod.AllContainers)
        {
            DetectWaiting(subject, pod, container, findings);
        }

        if (subject.Focus is { } focus)
        {
            DetectTermination(subject, pod, focus, findings);
            DetectProbes(subject, pod, focus, findings);
        }

        return findings;
    }

    private static void DetectNode(SubjectEvidence subject, PodFacts pod, List<Finding> findings)
    {
        if (pod.Reason == "Evicted")
        {
            var message = pod.Message ?? string.Empty;
            var evidence = new List<EvidenceItem> { Cite.Spec(pod, "status.reason", $"Pod {pod.Name} was evicted: {Cite.Trim(message, 400)}") };
            evidence.AddRange(WarningEvents(subject, "Evicted").Select(Cite.Event));
            if (message.Contains("ephemeral local storage", StringComparison.OrdinalIgnoreCase)
                || message.Contains("exceeded its local ephemeral storage limit", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new Finding(Categories.ResourceExhaustion, FindingTier.Runtime, 0.9,
                    $"pod {pod.Name} was evicted for using more ephemeral storage than its limit",
                    evidence, Entities.Of(("resource", "ephemeral-storage")), Rank: 92));
                return;
            }

            var resource = EvictionResource().Match(message) is { Success: true } m ? m.Groups["resource"].Value : null;
            var condition = resource switch
            {
                "memory" => "MemoryPressure",
                "pids" => "PIDPressure",
                null => null,
                _ => "DiskPressure",
            };
            if (subject.Node is { } node)
            {
                evidence.AddRange(node.Conditions.Where(c => c.Status == "True" && c.Type != "Ready").Select(c => Cite.Node(node, c)));
                evidence.AddRange(subject.Events.Where(e => e.InvolvedKind == "Node" && e.IsWarning).Select(Cite.Event));
            }

            findings.Add(new Finding(Categories.NodePressure, FindingTier.Runtime, 0.93,
                $"node {pod.NodeName} ran low on {resource ?? "resources"} ({condition ?? "node pressure"}) and evicted pod {pod.Name}",
                evidence, Entities.Of(("node", pod.NodeName), ("condition", condition), ("resource", resource)),
                Culprit: pod.NodeName is null ? null : ObjectRef.Node(pod.NodeName), Rank: 100));
            return;
        }

        if (subject.Node is { IsNotReady: true } notReady && pod.NodeName == notReady.Name)
        {
            var ready = notReady.Condition("Ready")!;
            var evidence = new List<EvidenceItem> { Cite.Node(notReady, ready) };
            evidence.AddRange(subject.Events.Where(e => e.Reason is "NodeNotReady" or "TaintManagerEviction" or "NodeStatusUnknown").Select(Cite.Event));
            evidence.AddRange(notReady.Taints.Select(t => new EvidenceItem("node", $"Node {notReady.Name} is tainted {t.Key}:{t.Effect}", $"node/{notReady.Name} spec.taints", null)));
            findings.Add(new Finding(Categories.NodePressure, FindingTier.Runtime, 0.93,
                $"node {notReady.Name} is NotReady (Ready={ready.Status}{(ready.Reason is null ? string.Empty : $", {ready.Reason}")}), so pod {pod.Name} on it cannot serve",
                evidence, Entities.Of(("node", notReady.Name), ("condition", "NotReady")), ready.LastTransition,
                ObjectRef.Node(notReady.Name), Rank: 100));
        }
    }

    // An alert about a node itself (KubeNodeNotReady, node pressure): the node's own conditions are the cause.
    private static void DetectNodeSubject(SubjectEvidence subject, List<Finding> findings)
    {
        if (subject.Node is not { } node || subject.Ref.Kind != "Node")
        {
            return;
        }

        var evidence = new List<EvidenceItem>();
        string summary;
        string condition;
        DateTimeOffset? since;
        if (node.IsNotReady)
        {
            var ready = node.Condition("Ready")!;
            evidence.Add(Cite.Node(node, ready));
            condition = "NotReady";
            since = ready.LastTransition;
            var why = string.IsNullOrEmpty(ready.Message) ? ready.Reason : $"{ready.Reason}: {ready.Message.TrimEnd('.')}";
            summary = $"node {node.Name} is NotReady (Ready={ready.Status}{(why is null ? string.Empty : $", {why}")})";
        }
        else if (node.Pressures.FirstOrDefault() is { } pressure)
        {
            evidence.Add(Cite.Node(node, pressure));
            condition = pressure.Type;
            since = pressure.LastTransition;
            summary = $"node {node.Name} reports {pressure.Type}{(pressure.Reason is null ? string.Empty : $" ({pressure.Reason})")}";
        }
        else
        {
            return;
        }

        evidence.AddRange(node.Taints.Where(t => t.Key.StartsWith("node.kubernetes.io/", StringComparison.Ordinal))
            .Select(t => new EvidenceItem("node", $"Node {node.Name} is tainted {t.Key}:{t.Effect}", $"node/{node.Name} spec.taints", null)));
        evidence.AddRange(subject.Events.Where(e => e.InvolvedKind == "Node" && e.InvolvedName == node.Name).Take(3).Select(Cite.Event));
        if (node.FailingPodsOnNode > 0)
        {
            summary += $"; {node.FailingPodsOnNode} pod(s) on it are failing";
            evidence.Add(new EvidenceItem("node", $"{node.FailingPodsOnNode} pod(s) on node {node.Name} are failing", string.Join(", ", node.FailingPodNames), null));
        }

        findings.Add(new Finding(Categories.NodePressure, FindingTier.Runtime, 0.93, summary, evidence,
            Entities.Of(("node", node.Name), ("condition", condition)), since, ObjectRef.Node(node.Name), Rank: 100));
    }

    private static void DetectScheduling(SubjectEvidence subject, PodFacts pod, List<Finding> findings)
    {
        var scheduled = pod.Condition("PodScheduled");
        var failed = subject.Events.Where(e => e.Reason == "FailedScheduling" && e.InvolvedName == pod.Name)
            .OrderByDescending(e => e.LastSeen ?? e.FirstSeen).ToList();
        // A pod bound to a node was scheduled: FailedScheduling events from before it found one are history.
        if (pod.Phase != "Pending" || pod.NodeName is not null || scheduled?.Status == "True" || (scheduled?.Status != "False" && failed.Count == 0))
        {
            return;
        }

        var message = failed.FirstOrDefault()?.Message ?? scheduled?.Message ?? string.Empty;
        var evidence = failed.Take(2).Select(Cite.Event).ToList();
        if (scheduled is not null)
        {
            evidence.Add(Cite.Spec(pod, "status.conditions[PodScheduled]", $"Pod {pod.Name} is Pending: PodScheduled={scheduled.Status}{(scheduled.Reason is null ? string.Empty : $" ({scheduled.Reason})")}"));
        }

        // A taint the node-lifecycle controller set for pressure or readiness means the node is the root.
        if (PressureTaint().Match(message) is { Success: true } taint)
        {
            var wanted = taint.Groups["taint"].Value switch
            {
                "disk-pressure" => "DiskPressure",
                "memory-pressure" => "MemoryPressure",
                "pid-pressure" => "PIDPressure",
                _ => "Ready",
            };
            var node = subject.RelatedNodes.FirstOrDefault(n => wanted == "Ready" ? n.IsNotReady : n.Condition(wanted)?.Status == "True");
            if (node is not null)
            {
                var condition = node.Condition(wanted)!;
                evidence.Insert(0, Cite.Node(node, condition));
                evidence.AddRange(subject.Events.Where(e => e.InvolvedKind == "Node" && e.InvolvedName == node.Name).Take(3).Select(Cite.Event));
                var conditionName = wanted == "Ready" ? "NotReady" : wanted;
                findings.Add(new Finding(Categories.NodePressure, FindingTier.Runtime, 0.9,
                    $"node {node.Name} has {conditionName}, and its taint keeps pod {pod.Name} from being scheduled",
                    evidence, Entities.Of(("node", node.Name), ("condition", conditionName)), condition.LastTransition,
                    ObjectRef.Node(node.Name), Rank: 100));
                return;
            }
        }

        if (message.Contains("unbound immediate PersistentVolumeClaims", StringComparison.OrdinalIgnoreCase)
            || message.Contains("unbound PersistentVolumeClaims", StringComparison.OrdinalIgnoreCase))
        {
            // The claim's own events say why it is unbound; that is a volume problem, not a capacity one.
            if (subject.Claims.Any(c => c.Phase == "Pending"))
            {
                return;
            }
        }

        var entities = Entities.Of(("message", message));
        if (message.Contains("node affinity/selector", StringComparison.OrdinalIgnoreCase) || message.Contains("node selector", StringComparison.OrdinalIgnoreCase))
        {
            if (pod.NodeSelector.Count > 0)
            {
                var selector = string.Join(", ", pod.NodeSelector.Select(kv => $"{kv.Key}={kv.Value}"));
                evidence.Add(Cite.Spec(pod, "spec.nodeSelector", $"Pod {pod.Name} requires nodes labelled {selector} (spec.nodeSelector); no node matches"));
                entities = Entities.Of(("message", message), ("selector", selector));
            }
        }

        var requests = pod.Containers.Where(c => c.Resources.CpuRequest is not null || c.Resources.MemoryRequest is not null)
            .Select(c => $"{c.Name} requests cpu {c.Resources.CpuRequest ?? "-"}, memory {c.Resources.MemoryRequest ?? "-"}").ToList();
        if (requests.Count > 0 && message.Contains("Insufficient", StringComparison.OrdinalIgnoreCase))
        {
            evidence.Add(Cite.Spec(pod, "spec.containers[].resources.requests", string.Join("; ", requests)));
        }

        findings.Add(new Finding(Categories.Unschedulable, FindingTier.Runtime, 0.92,
            $"the scheduler cannot place pod {pod.Name}: {Cite.Trim(SchedulingReason(message), 300)}",
            evidence, entities, failed.FirstOrDefault()?.LastSeen ?? failed.FirstOrDefault()?.FirstSeen, Rank: 95));
    }

    private static string SchedulingReason(string message)
    {
        var cut = message.IndexOf(" preemption:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private static void DetectVolumes(SubjectEvidence subject, PodFacts pod, List<Finding> findings)
    {
        var mountEvents = subject.Events
            .Where(e => e.InvolvedName == pod.Name && e.Reason is "FailedMount" or "FailedAttachVolume" or "FailedMapVolume")
            .OrderByDescending(e => e.LastSeen ?? e.FirstSeen).ToList();
        foreach (var e in mountEvents)
        {
            if (ObjectNotFound().Match(e.Message) is { Success: true } missing)
            {
                var kind = missing.Groups["kind"].Value.Equals("secret", StringComparison.OrdinalIgnoreCase) ? "Secret" : "ConfigMap";
                var name = missing.Groups["name"].Value;
                findings.Add(new Finding(Categories.MissingConfigObject, FindingTier.Runtime, 0.95,
                    $"the {kind} {name} that pod {pod.Name} mounts as a volume does not exist, so its containers cannot start",
                    [Cite.Event(e), .. VolumeReferences(pod, name)],
                    Entities.Of(("object", name), ("kind", kind)), e.LastSeen, Rank: 88));
                return;
            }
        }

        var pendingClaim = subject.Claims.FirstOrDefault(c => c.Phase == "Pending");
        if (pendingClaim is not null)
        {
            var claimEvents = subject.Events.Where(e => e.InvolvedKind == "PersistentVolumeClaim" && e.InvolvedName == pendingClaim.Name)
                .OrderByDescending(e => e.LastSeen ?? e.FirstSeen).ToList();
            var why = claimEvents.FirstOrDefault(e => e.IsWarning)?.Message ?? claimEvents.FirstOrDefault()?.Message;
            var storageClass = why is not null && StorageClassNotFound().Match(why) is { Success: true } sc ? sc.Groups["name"].Value : pendingClaim.StorageClass;
            var evidence = new List<EvidenceItem>
            {
                new("pod", $"PersistentVolumeClaim {pendingClaim.Name} is Pending (storageClassName {pendingClaim.StorageClass ?? "default"})", $"persistentvolumeclaim/{pendingClaim.Name} status.phase", null),
            };
            evidence.AddRange(claimEvents.Take(2).Select(Cite.Event));
            evidence.AddRange(subject.Events.Where(e => e.Reason == "FailedScheduling" && e.InvolvedName == pod.Name).Take(1).Select(Cite.Event));
            var summary = why is not null && why.Contains("not found", StringComparison.OrdinalIgnoreCase) && storageClass is not null
                ? $"PersistentVolumeClaim {pendingClaim.Name} stays Pending because StorageClass {storageClass} does not exist"
                : $"PersistentVolumeClaim {pendingClaim.Name} stays Pending{(why is null ? string.Empty : $": {Cite.Trim(why, 200)}")}";
            findings.Add(new Finding(Categories.VolumeFailure, FindingTier.Runtime, 0.92, summary, evidence,
                Entities.Of(("claim", pendingClaim.Name), ("storageClass", storageClass)), claimEvents.FirstOrDefault()?.LastSeen, Rank: 90));
            return;
        }

        var attach = mountEvents.FirstOrDefault(e => e.Reason == "FailedAttachVolume") ?? mountEvents.FirstOrDefault();
        // Volumes block a pod whose containers never started; a container that has run and crashed had its mounts.
        if (attach is not null && pod.AllContainers.All(c => c.State?.Kind != ContainerStateKind.Running && c.LastTermination is null))
        {
            var summary = attach.Message.Contains("Multi-Attach", StringComparison.Ordinal)
                ? $"pod {pod.Name} cannot start: Multi-Attach error, its ReadWriteOnce volume is still attached to another node"
                : $"pod {pod.Name} cannot mount its volumes: {Cite.Trim(attach.Message, 250)}";
            findings.Add(new Finding(Categories.VolumeFailure, FindingTier.Runtime, 0.9, summary,
                mountEvents.Take(3).Select(Cite.Event).ToList(), Entities.Of(("message", attach.Message)), attach.LastSeen, Rank: 90));
        }
    }

    private static IEnumerable<EvidenceItem> VolumeReferences(PodFacts pod, string name) =>
        pod.Volumes.Where(v => v.Source == name)
            .Select(v => Cite.Spec(pod, $"spec.volumes[{v.Name}]", $"Volume {v.Name} of pod {pod.Name} references {v.Kind} {name}{(v.Optional ? " (optional)" : string.Empty)}"));

    private static void DetectWaiting(SubjectEvidence subject, PodFacts pod, ContainerFacts c, List<Finding> findings)
    {
        if (c.State is not { Kind: ContainerStateKind.Waiting } waiting)
        {
            return;
        }

        var message = waiting.Message ?? string.Empty;
        switch (waiting.Reason)
        {
            case "CreateContainerConfigError":
            {
                var evidence = new List<EvidenceItem> { Cite.Waiting(pod, c) };
                evidence.AddRange(ContainerEvents(subject, c.Name, "Failed").Take(1).Select(Cite.Event));
                if (message.Contains("runAsNonRoot", StringComparison.Ordinal) || message.Contains("non-root", StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new Finding(Categories.PermissionDenied, FindingTier.Runtime, 0.93,
                        $"container {c.Name} must run as non-root (runAsNonRoot) but its image runs as root: {Cite.Trim(message, 200)}",
                        evidence, Entities.Of(("container", c.Name)), Rank: 88));
                    return;
                }

                string? name = null, kind = null, key = null;
                if (KeyNotFound().Match(message) is { Success: true } k)
                {
                    name = k.Groups["name"].Value;
                    kind = k.Groups["kind"].Value;
                    key = k.Groups["key"].Value;
                }
                else if (ObjectNotFound().Match(message) is { Success: true } o)
                {
                    name = o.Groups["name"].Value;
                    kind = o.Groups["kind"].Value.Equals("secret", StringComparison.OrdinalIgnoreCase) ? "Secret" : "ConfigMap";
                }

                evidence.AddRange(EnvReferences(pod, c, name));
                var summary = name is null
                    ? $"container {c.Name} cannot be created: {Cite.Trim(message, 250)}"
                    : key is null
                        ? $"the {kind} {name} that container {c.Name} references does not exist"
                        : $"the {kind} {name} exists but has no key {key}, which container {c.Name} references";
                findings.Add(new Finding(Categories.MissingConfigObject, FindingTier.Runtime, 0.96, summary, evidence,
                    Entities.Of(("object", name), ("kind", kind), ("key", key), ("container", c.Name)), Rank: 88));
                return;
            }

            case "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName" or "ErrImageNeverPull" or "RegistryUnavailable" or "SignatureValidationFailed":
            {
                var pullEvents = ContainerEvents(subject, c.Name, "Failed").ToList();
                var detail = pullEvents.FirstOrDefault(e => e.Message.StartsWith("Failed to pull image", StringComparison.Ordinal))?.Message
                    ?? pullEvents.FirstOrDefault(e => e.Message.Contains("InspectFailed", StringComparison.Ordinal) || e.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase))?.Message
                    ?? message;
                var (tag, why) = ImageProblem(c.Image, detail, waiting.Reason);
                var evidence = new List<EvidenceItem> { Cite.Waiting(pod, c) };
                // The event with the registry's answer first; "Error: ErrImagePull" repeats only the reason.
                evidence.AddRange(pullEvents.OrderByDescending(e => e.Message.StartsWith("Failed to pull image", StringComparison.Ordinal)).Take(2).Select(Cite.Event));
                evidence.Add(Cite.Spec(pod, $"spec.containers[{c.Name}].image", $"Container {c.Name} uses image {c.Image}"));
                findings.Add(new Finding(Categories.ImagePullFailure, FindingTier.Runtime, 0.96,
                    $"the image {c.Image} of container {c.Name} cannot be pulled: {why}",
                    evidence, Entities.Of(("image", c.Image), ("tag", tag), ("container", c.Name), ("why", why)), Rank: 85));
                return;
            }

            case "RunContainerError" or "CreateContainerError" or "StartError" or "ContainerCannotRun" or "PreStartHookError" or "PostStartHookError":
            {
                var failed = ContainerEvents(subject, c.Name, "Failed").FirstOrDefault()?.Message;
                var text = message.Length > 0 ? message : failed ?? string.Empty;
                if (IsExecProblem(text))
                {
                    findings.Add(InvalidCommand(pod, c, text, [Cite.Waiting(pod, c)], 0.95, 84));
                }

                return;
            }
        }
    }

    private static void DetectTermination(SubjectEvidence subject, PodFacts pod, ContainerFacts c, List<Finding> findings)
    {
        if (c.LastTermination is not { } t)
        {
            return;
        }

        var termination = Cite.Termination(pod, c, t);
        var message = t.Message ?? string.Empty;
        if (t.Reason == "OOMKilled")
        {
            var limit = c.Resources.MemoryLimit;
            findings.Add(new Finding(Categories.OutOfMemory, FindingTier.Runtime, 0.97,
                $"container {c.Name} is OOMKilled (exit code {t.ExitCode}){(limit is null ? " with no memory limit set" : $" at its {limit} memory limit")}",
                [termination, .. LimitEvidence(pod, c)],
                Entities.Of(("container", c.Name), ("limit", limit)), t.FinishedAt, Rank: 80));
            return;
        }

        if (t.Reason is "StartError" or "ContainerCannotRun" || IsExecProblem(message))
        {
            if (IsExecProblem(message) || t.ExitCode is 127 or 126 or 128)
            {
                findings.Add(InvalidCommand(pod, c, message, [termination], 0.95, 84));
                return;
            }
        }

        switch (t.ExitCode)
        {
            case 127 or 126:
                // Below the decisive rank: a log line naming the missing library or script explains the same exit better.
                var exitMeaning = message.Length > 0 ? message
                    : $"exit code {t.ExitCode} ({(t.ExitCode == 126 ? "the command was found but cannot be executed" : "the command was not found")})";
                findings.Add(InvalidCommand(pod, c, exitMeaning, [termination], 0.85, 69, basis: "exit-code", exitCode: t.ExitCode));
                return;
            // A process that shuts down cleanly on the kubelet's SIGTERM after a failed liveness probe also exits 0:
            // that exit is the probe's doing, not the app finishing its work.
            case 0 when pod.RestartPolicy == "Always" && (c.RestartCount > 0 || c.State?.Reason == "CrashLoopBackOff") && !c.IsInit && ProbeKills(subject, pod, c).Count == 0:
                // Redacted: a command line may carry a --password=… flag.
                var runs = c.Command.Concat(c.Args).ToList() is { Count: > 0 } commandLine ? $"; it runs `{Cite.Trim(Redaction.SecretRedactor.Redact(string.Join(' ', commandLine)), 160)}`" : string.Empty;
                findings.Add(new Finding(Categories.ExitsZero, FindingTier.Runtime, 0.93,
                    $"container {c.Name} exits successfully (exit code 0, Completed) but the pod's restartPolicy is Always, so Kubernetes restarts it ({c.RestartCount} restarts){runs}",
                    [termination, Cite.Spec(pod, "spec.restartPolicy", $"Pod {pod.Name} has restartPolicy {pod.RestartPolicy}")],
                    Entities.Of(("container", c.Name), ("reason", t.Reason ?? "Completed")), t.FinishedAt, Rank: 75));
                return;
            case 139 or 132 or 135 or 134:
            {
                var signal = t.ExitCode switch { 139 => "SIGSEGV", 134 => "SIGABRT", 132 => "SIGILL", _ => "SIGBUS" };
                findings.Add(new Finding(Categories.NativeCrash, FindingTier.Runtime, t.ExitCode == 139 ? 0.88 : 0.78,
                    $"container {c.Name} dies of {signal} (exit code {t.ExitCode}): a crash in native code",
                    [termination], Entities.Of(("container", c.Name), ("signal", signal), ("exitCode", t.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                    t.FinishedAt, Rank: 60));
                return;
            }
        }

        if (t.Signal is 11 or 6)
        {
            findings.Add(new Finding(Categories.NativeCrash, FindingTier.Runtime, 0.85,
                $"container {c.Name} dies of signal {t.Signal}: a crash in native code", [termination],
                Entities.Of(("container", c.Name)), t.FinishedAt, Rank: 60));
        }
    }

    /// <summary>The kubelet's "Killing ... failed liveness/startup probe, will be restarted" events for this container.</summary>
    private static List<EventFact> ProbeKills(SubjectEvidence subject, PodFacts pod, ContainerFacts c) =>
        subject.Events.Where(e => e.InvolvedName == pod.Name && e.Reason == "Killing"
            && (e.Message.Contains("failed liveness probe", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("failed startup probe", StringComparison.OrdinalIgnoreCase))
            && (e.Container is null || e.Container == c.Name)).ToList();

    private static void DetectProbes(SubjectEvidence subject, PodFacts pod, ContainerFacts c, List<Finding> findings)
    {
        var unhealthy = ContainerEvents(subject, c.Name, "Unhealthy").ToList();
        var killing = ProbeKills(subject, pod, c);
        var liveness = unhealthy.Where(e => e.Message.StartsWith("Liveness probe", StringComparison.Ordinal) || e.Message.StartsWith("Startup probe", StringComparison.Ordinal)).ToList();
        var t = c.LastTermination;
        // The kubelet's kill ends a container with SIGTERM (143, or 0/2 from a process that shuts down on it) or
        // SIGKILL (137), or with whatever the app exits with on SIGTERM when the kill fell inside its last run.
        // Otherwise probe kills in the events are history: the container crashed on its own this time.
        var killExplainsExit = t is null || t.ExitCode is 137 or 143 or 2 or 0
            || killing.Any(e => (e.FirstSeen ?? e.LastSeen) is { } first && (e.LastSeen ?? first) is { } last
                && t.StartedAt is { } started && t.FinishedAt is { } finished && first <= finished.AddSeconds(5) && last >= started);
        if ((killing.Count > 0 || (liveness.Count > 0 && c.RestartCount > 0)) && killExplainsExit)
        {
            var probe = liveness.Any(e => e.Message.StartsWith("Startup", StringComparison.Ordinal)) && c.Startup is not null ? c.Startup : c.Liveness ?? c.Startup;
            var kind = probe == c.Startup && c.Startup is not null ? "startup" : "liveness";
            var evidence = new List<EvidenceItem>();
            evidence.AddRange(liveness.Take(2).Select(Cite.Event));
            evidence.AddRange(killing.Take(1).Select(Cite.Event));
            if (t is not null)
            {
                evidence.Add(Cite.Termination(pod, c, t));
            }

            if (probe is not null)
            {
                evidence.Add(Cite.Spec(pod, $"spec.containers[{c.Name}].{kind}Probe",
                    $"The {kind} probe of container {c.Name} is {probe.Describe()}, initialDelaySeconds {probe.InitialDelaySeconds}, periodSeconds {probe.PeriodSeconds}, timeoutSeconds {probe.TimeoutSeconds}, failureThreshold {probe.FailureThreshold}"));
            }

            var failure = ProbeFailureText(liveness.FirstOrDefault()?.Message);
            findings.Add(new Finding(Categories.LivenessProbeFailure, FindingTier.Runtime, 0.9,
                $"the kubelet restarts container {c.Name} because its {kind} probe{(probe is null ? string.Empty : $" ({probe.Describe()})")} fails{(failure is null ? string.Empty : $": {failure}")}",
                evidence, Entities.Of(("container", c.Name), ("path", probe?.Path), ("port", probe?.Port), ("probe", kind), ("failure", failure)),
                killing.FirstOrDefault()?.LastSeen ?? liveness.FirstOrDefault()?.LastSeen, Rank: 50));
            return;
        }

        var readiness = unhealthy.Where(e => e.Message.StartsWith("Readiness probe", StringComparison.Ordinal)).ToList();
        if (readiness.Count > 0 && !c.Ready && c.State?.Kind == ContainerStateKind.Running)
        {
            var probe = c.Readiness;
            var evidence = readiness.Take(2).Select(Cite.Event).ToList();
            if (probe is not null)
            {
                evidence.Add(Cite.Spec(pod, $"spec.containers[{c.Name}].readinessProbe",
                    $"The readiness probe of container {c.Name} is {probe.Describe()}, timeoutSeconds {probe.TimeoutSeconds}, periodSeconds {probe.PeriodSeconds}, failureThreshold {probe.FailureThreshold}"));
                evidence.AddRange(PortMismatch(pod, c, probe));
            }

            var failure = ProbeFailureText(readiness[0].Message);
            findings.Add(new Finding(Categories.ReadinessProbeFailure, FindingTier.Runtime, 0.85,
                $"container {c.Name} runs but never becomes Ready: its readiness probe{(probe is null ? string.Empty : $" ({probe.Describe()})")} fails{(failure is null ? string.Empty : $": {failure}")}",
                evidence, Entities.Of(("container", c.Name), ("path", probe?.Path), ("port", probe?.Port), ("probe", "readiness"), ("failure", failure)),
                readiness[0].LastSeen, Rank: 30));
        }
    }

    private static IEnumerable<EvidenceItem> PortMismatch(PodFacts pod, ContainerFacts c, ProbeFact probe)
    {
        if (probe.Port is null || c.Ports.Count == 0)
        {
            yield break;
        }

        var declared = c.Ports.Any(p => p.Name == probe.Port || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == probe.Port);
        if (!declared)
        {
            yield return Cite.Spec(pod, $"spec.containers[{c.Name}].ports",
                $"The probe targets port {probe.Port}, but container {c.Name} declares {string.Join(", ", c.Ports.Select(p => $"{p.Name ?? "unnamed"} {p.ContainerPort}"))}");
        }
    }

    internal static string? ProbeFailureText(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return Cite.Trim(colon > 0 ? message[(colon + 2)..] : message, 200);
    }

    private static Finding InvalidCommand(PodFacts pod, ContainerFacts c, string message, List<EvidenceItem> evidence, double strength, int rank, string? basis = null, int? exitCode = null)
    {
        var command = c.Command.Concat(c.Args).ToList();
        if (command.Count > 0)
        {
            evidence.Add(Cite.Spec(pod, $"spec.containers[{c.Name}].command", $"Container {c.Name} runs `{string.Join(' ', command)}`"));
        }

        var why = message.Length > 0 ? $": {Cite.Trim(message, 250)}" : string.Empty;
        return new Finding(Categories.InvalidCommand, FindingTier.Runtime, strength,
            $"the command of container {c.Name} cannot run{why}", evidence,
            Entities.Of(("container", c.Name), ("command", command.FirstOrDefault()), ("basis", basis), ("exitCode", exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture))), Rank: rank);
    }

    private static bool IsExecProblem(string text) =>
        text.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
        || text.Contains("exec format error", StringComparison.OrdinalIgnoreCase)
        || (text.Contains("exec", StringComparison.OrdinalIgnoreCase) && text.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
        || (text.Contains("exec", StringComparison.OrdinalIgnoreCase) && text.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
        || text.Contains("starting container process caused", StringComparison.OrdinalIgnoreCase);

    private static (string? Tag, string Why) ImageProblem(string image, string detail, string? reason)
    {
        var tag = ImageTag(image);
        if (reason == "InvalidImageName")
        {
            return (tag, $"the image name is invalid ({Cite.Trim(detail, 150)})");
        }

        if (detail.Contains("not found", StringComparison.OrdinalIgnoreCase) || detail.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase) || detail.Contains("NotFound", StringComparison.Ordinal))
        {
            return (tag, tag is null ? "the image does not exist in the registry" : $"tag {tag} does not exist in the registry (not found / manifest unknown)");
        }

        if (detail.Contains("toomanyrequests", StringComparison.OrdinalIgnoreCase) || detail.Contains("429 Too Many Requests", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("rate limit", StringComparison.OrdinalIgnoreCase))
        {
            return (tag, $"the registry rate-limits the pulls (429 Too Many Requests, toomanyrequests){(detail.Contains("unauthenticated", StringComparison.OrdinalIgnoreCase) ? ": the node pulls anonymously; authenticate with an imagePullSecret or use a mirror" : string.Empty)}");
        }

        if (detail.Contains("denied", StringComparison.OrdinalIgnoreCase) || detail.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("403", StringComparison.Ordinal) || detail.Contains("401", StringComparison.Ordinal) || detail.Contains("authorization failed", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("failed to authorize", StringComparison.OrdinalIgnoreCase))
        {
            var status = detail.Contains("401", StringComparison.Ordinal) ? "401 Unauthorized" : detail.Contains("403", StringComparison.Ordinal) ? "403 Forbidden" : "pull access denied";
            return (tag, $"the registry{(RegistryOf(image) is { } registry ? $" {registry}" : string.Empty)} denies access ({status}): the pod has no imagePullSecret that the registry accepts");
        }

        if (detail.Contains("no such host", StringComparison.OrdinalIgnoreCase) || detail.Contains("i/o timeout", StringComparison.OrdinalIgnoreCase) || detail.Contains("connection refused", StringComparison.OrdinalIgnoreCase))
        {
            return (tag, $"the registry cannot be reached ({Cite.Trim(detail, 150)})");
        }

        return (tag, Cite.Trim(detail, 200));
    }

    // The registry host of an image reference: the first path part when it looks like a host (has a dot or port).
    internal static string? RegistryOf(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var first = image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? first : null;
    }

    internal static string? ImageTag(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return image[(at + 1)..];
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[(colon + 1)..] : null;
    }

    private static IEnumerable<EvidenceItem> EnvReferences(PodFacts pod, ContainerFacts c, string? objectName)
    {
        if (objectName is null)
        {
            yield break;
        }

        foreach (var env in c.Env.Where(e => e.RefName == objectName))
        {
            yield return Cite.Spec(pod, $"spec.containers[{c.Name}].env[{env.Name}]",
                $"Container {c.Name} reads env {env.Name} from {(env.Source == EnvSource.SecretKey ? "Secret" : "ConfigMap")} {objectName} key {env.RefKey}");
        }

        foreach (var from in c.EnvFrom.Where(e => e.Name == objectName))
        {
            yield return Cite.Spec(pod, $"spec.containers[{c.Name}].envFrom", $"Container {c.Name} loads all keys of {from.Kind} {objectName} (envFrom)");
        }
    }

    private static IEnumerable<EvidenceItem> LimitEvidence(PodFacts pod, ContainerFacts c)
    {
        if (c.Resources.MemoryLimit is { } limit)
        {
            yield return Cite.Spec(pod, $"spec.containers[{c.Name}].resources.limits.memory", $"Container {c.Name} has a memory limit of {limit} (request {c.Resources.MemoryRequest ?? "unset"})");
        }
    }

    private static IEnumerable<EventFact> ContainerEvents(SubjectEvidence subject, string container, string reason) =>
        subject.Events.Where(e => e.Reason == reason && e.InvolvedKind == "Pod" && e.InvolvedName == subject.Pod?.Name && (e.Container is null || e.Container == container))
            .OrderByDescending(e => e.LastSeen ?? e.FirstSeen);

    private static IEnumerable<EventFact> WarningEvents(SubjectEvidence subject, string reason) =>
        subject.Events.Where(e => e.Reason == reason && e.InvolvedName == subject.Pod?.Name);
}
