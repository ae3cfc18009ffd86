using Klarsicht.Core.Alerts;
using Klarsicht.Core.Evidence;

namespace Klarsicht.Core.Tests.Diagnosis;

/// <summary>Builds evidence the way the collectors would, with only what a test cares about.</summary>
internal static class Subjects
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static ContainerStateFact Terminated(int exitCode, string reason = "Error") =>
        new(ContainerStateKind.Terminated, reason, null, exitCode, null, Now.AddMinutes(-2), Now.AddMinutes(-1));

    public static ContainerStateFact CrashLoop() =>
        new(ContainerStateKind.Waiting, "CrashLoopBackOff", "back-off 5m0s restarting failed container", null, null, null, null);

    public static ContainerFacts Container(
        string name = "app",
        ContainerStateFact? state = null,
        ContainerStateFact? last = null,
        int restarts = 5,
        bool ready = false,
        bool isInit = false,
        IReadOnlyList<string>? command = null,
        IReadOnlyList<EnvVarFact>? env = null) =>
        new(name, isInit, "registry.example.com/team/app:1.0.0", command ?? [], [], [], ResourceFacts.None, null, null, null,
            env ?? [], [], [], SecurityFacts.None, ready, false, restarts, state ?? CrashLoop(), last);

    public static PodFacts Pod(string ns, string name, IReadOnlyList<ContainerFacts> containers, string? node = "worker-1", IReadOnlyList<ContainerFacts>? init = null, string phase = "Running") =>
        new(ns, name, phase, null, null, node, "Burstable", "Always", false, Now.AddHours(-1), new ObjectRef("ReplicaSet", ns, "app-abc"),
            new Dictionary<string, string>(), new Dictionary<string, string>(),
            [new ConditionFact("Ready", "False", "ContainersNotReady", null, Now.AddMinutes(-10))],
            init ?? [], containers, []);

    public static ContainerLog Log(string pod, string container, params string[] lines) => new(pod, container, true, lines, false);

    public static WorkloadFacts Deployment(string ns, string name) => new(new ObjectRef("Deployment", ns, name), 1, 0, 0, [], null);

    public static NodeFacts Node(string name, string readyStatus = "True", string? reason = null, string? message = null) =>
        new(name, [new ConditionFact("Ready", readyStatus, reason ?? (readyStatus == "True" ? "KubeletReady" : "NodeStatusUnknown"), message, Now.AddMinutes(-15))],
            readyStatus == "True" ? [] : [new TaintFact("node.kubernetes.io/unreachable", null, "NoExecute")], false, "4", "16Gi", 0, []);

    public static SubjectEvidence Crashing(
        string ns,
        string workload,
        ContainerFacts container,
        IReadOnlyList<string> logLines,
        IReadOnlyList<DependencyEvidence>? dependencies = null,
        NodeFacts? node = null,
        IReadOnlyList<ContainerFacts>? init = null)
    {
        var podName = $"{workload}-abc-x1";
        var pod = Pod(ns, podName, [container], node?.Name ?? "worker-1", init);
        return new SubjectEvidence(pod.Ref, pod, container.Name, Deployment(ns, workload), null, [],
            logLines.Count == 0 ? [] : [Log(podName, container.Name, [.. logLines])],
            node, [], [], [], dependencies ?? [], SiblingFacts.None);
    }

    public static EvidenceBundle Bundle(SubjectEvidence subject) =>
        new(null, new TargetQuery(subject.Pod?.Namespace, subject.Pod?.Name, null, null, null, null, subject.Ref.Kind == "Node" ? subject.Ref.Name : null, null), Now, subject, [], true, null);
}
