using System.Globalization;
using Klarsicht.Core.Evidence;
using Klarsicht.Core.Rcas;

namespace Klarsicht.Core.Diagnosis.Reporting;

/// <summary>Concrete next steps with real kubectl commands, filled in from the evidence.</summary>
internal static class FixSteps
{
    public static IReadOnlyList<FixStep> For(SubjectVerdict root, ObjectRef culprit, RolloutCorrelation? rollout)
    {
        var steps = new List<FixStep>();
        var subject = root.Subject;
        var winner = root.Winner;
        var ns = culprit.Namespace ?? subject.Pod?.Namespace ?? subject.Ref.Namespace;
        var nsFlag = ns is null ? string.Empty : $" -n {ns}";
        var workload = culprit.Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" or "CronJob" ? culprit : subject.Workload?.Ref;
        var target = workload is null ? null : $"{workload.Kind.ToLowerInvariant()}/{workload.Name}";
        var container = winner.Entity("container") ?? subject.FocusContainer;
        var focus = subject.Focus;
        var pod = subject.Pod;

        if (rollout is not null && rollout.RollbackRevision is { } previous && rollout.Workload.Ref.Kind == "Deployment")
        {
            steps.Add(new FixStep(
                $"Roll back to revision {previous}, the last one before the failures began",
                $"kubectl rollout undo deployment/{rollout.Workload.Ref.Name} -n {rollout.Workload.Ref.Namespace} --to-revision={previous}"));
        }

        switch (winner.Category)
        {
            case Categories.OutOfMemory:
            {
                var limitBytes = focus?.Resources.MemoryLimitBytes ?? Quantity.Parse(winner.Entity("limit"));
                var peak = subject.Metrics.Where(m => m.Kind is MetricKind.MemoryPeak or MetricKind.MemoryAtTermination && (m.Container is null || m.Container == container)).Select(m => m.Value).DefaultIfEmpty(0).Max();
                var suggested = Quantity.SuggestMemoryLimit(peak, limitBytes ?? 256d * 1024 * 1024);
                if (target is not null)
                {
                    steps.Add(new FixStep(
                        $"Raise the memory limit of container {container} from {focus?.Resources.MemoryLimit ?? "unset"} to {suggested}{(peak > 0 ? $" (observed peak {Quantity.FormatBytes(peak)})" : string.Empty)}",
                        $"kubectl set resources {target}{nsFlag} -c {container} --limits=memory={suggested}"));
                }

                steps.Add(new FixStep("If memory grows without bound, profile the app for a leak (heap dump, allocation profile) before raising the limit again", null));
                break;
            }

            case Categories.CpuThrottling:
            {
                var limit = focus?.Resources.CpuLimitCores;
                var suggested = Quantity.FormatCores(Math.Max(0.5, (limit ?? 0.25) * 4));
                if (target is not null)
                {
                    steps.Add(new FixStep($"Raise the CPU limit of container {container} from {focus?.Resources.CpuLimit ?? "unset"} to {suggested} (or remove the limit and keep the request)",
                        $"kubectl set resources {target}{nsFlag} -c {container} --limits=cpu={suggested}"));
                }

                steps.Add(new FixStep("Give slow starts room: add a startupProbe or raise the probes' timeoutSeconds", null));
                break;
            }

            case Categories.MissingEnvVar:
            {
                var variable = winner.Entity("var") ?? "NAME";
                if (target is not null)
                {
                    steps.Add(new FixStep($"Set the environment variable {variable} on container {container} (from a Secret if it is a credential)",
                        $"kubectl set env {target}{nsFlag} -c {container} {variable}=<value>"));
                    steps.Add(new FixStep($"Or take it from an existing Secret", $"kubectl set env {target}{nsFlag} -c {container} --from=secret/<secret-name> --keys={variable}"));
                }

                break;
            }

            case Categories.MissingConfigObject:
            {
                var name = winner.Entity("object") ?? "<name>";
                var key = winner.Entity("key");
                var kind = winner.Entity("kind") ?? "Secret";
                steps.Add(kind.Equals("ConfigMap", StringComparison.OrdinalIgnoreCase)
                    ? new FixStep($"Create the ConfigMap {name}{(key is null ? string.Empty : $" with key {key}")}", $"kubectl create configmap {name}{nsFlag} --from-file={key ?? "<file>"}=<path>")
                    : new FixStep($"Create the Secret {name}{(key is null ? string.Empty : $" with key {key}")}", $"kubectl create secret generic {name}{nsFlag} --from-literal={key ?? "<key>"}=<value>"));
                steps.Add(new FixStep("Or fix the reference in the pod spec if the name is wrong", target is null ? null : $"kubectl edit {target}{nsFlag}"));
                break;
            }

            case Categories.ImagePullFailure:
            {
                var image = winner.Entity("image") ?? focus?.Image ?? "<image>";
                var why = winner.Entity("why") ?? string.Empty;
                if (why.Contains("denied", StringComparison.Ordinal))
                {
                    steps.Add(new FixStep("Create a pull secret for the registry and let the pod's service account use it",
                        $"kubectl create secret docker-registry regcred{nsFlag} --docker-server={Registry(image)} --docker-username=<user> --docker-password=<token>"));
                    steps.Add(new FixStep("Attach it to the service account", $"kubectl patch serviceaccount default{nsFlag} -p '{{\"imagePullSecrets\":[{{\"name\":\"regcred\"}}]}}'"));
                }
                else if (target is not null)
                {
                    steps.Add(new FixStep($"Point container {container} at an image tag that exists (the current one, {image}, cannot be pulled)", $"kubectl set image {target}{nsFlag} {container}={Repository(image)}:<existing-tag>"));
                }

                break;
            }

            case Categories.LivenessProbeFailure:
            {
                var probe = winner.Entity("probe") ?? "liveness";
                var index = pod?.Containers.ToList().FindIndex(c => c.Name == container) ?? 0;
                var path = winner.Entity("path");
                var failure = winner.Entity("failure") ?? string.Empty;
                if (failure.Contains("404", StringComparison.Ordinal) && path is not null)
                {
                    steps.Add(new FixStep($"The {probe} probe asks for {path}, which the app does not serve (404): point it at the app's real health endpoint",
                        target is null ? null : $"kubectl patch {target}{nsFlag} --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/{Math.Max(0, index)}/{probe}Probe/httpGet/path\",\"value\":\"/<health-path>\"}}]'"));
                }
                else
                {
                    var delay = ((focus?.Liveness?.InitialDelaySeconds ?? 0) + 1) * 4;
                    steps.Add(new FixStep($"Give the app time to start before the {probe} probe can kill it: add a startupProbe or raise initialDelaySeconds to {Math.Max(60, delay)}",
                        target is null ? null : $"kubectl patch {target}{nsFlag} --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/{Math.Max(0, index)}/{probe}Probe/initialDelaySeconds\",\"value\":{Math.Max(60, delay)}}}]'"));
                }

                break;
            }

            case Categories.ReadinessProbeFailure:
                steps.Add(new FixStep($"Make the readiness probe match what the app serves ({winner.Entity("failure") ?? "see the probe events"})",
                    target is null ? null : $"kubectl edit {target}{nsFlag}"));
                break;

            case Categories.NodePressure:
            {
                var node = culprit.Kind == "Node" ? culprit.Name : winner.Entity("node") ?? subject.Pod?.NodeName ?? "<node>";
                steps.Add(new FixStep($"Inspect node {node}: its conditions, allocated resources and recent events", $"kubectl describe node {node}"));
                steps.Add(new FixStep($"Stop new pods landing on {node} while it is unhealthy", $"kubectl cordon {node}"));
                steps.Add(new FixStep("Free the node (disk, memory) or drain and replace it", $"kubectl drain {node} --ignore-daemonsets --delete-emptydir-data"));
                break;
            }

            case Categories.Unschedulable:
                steps.Add(new FixStep("See which nodes could fit the pod and why the scheduler rejects them", pod is null ? "kubectl describe nodes" : $"kubectl describe pod {pod.Name}{nsFlag}"));
                if (winner.Entity("selector") is { } selector)
                {
                    steps.Add(new FixStep($"Label a node to match the selector {selector}, or remove the nodeSelector", $"kubectl label node <node> {selector.Split(',')[0].Trim()}"));
                }
                else if (target is not null)
                {
                    steps.Add(new FixStep("Lower the pod's requests to what a node can offer, or add capacity", $"kubectl set resources {target}{nsFlag} -c {container} --requests=cpu=<cpu>,memory=<memory>"));
                }

                break;

            case Categories.VolumeFailure:
                if (winner.Entity("storageClass") is { } storageClass)
                {
                    steps.Add(new FixStep($"List the StorageClasses the cluster has; {storageClass} is not among them if the claim says so", "kubectl get storageclass"));
                }

                if (winner.Entity("claim") is { } claim)
                {
                    steps.Add(new FixStep($"Inspect the claim {claim}", $"kubectl describe pvc {claim}{nsFlag}"));
                }

                steps.Add(new FixStep("For a Multi-Attach error on a ReadWriteOnce volume, use the Recreate strategy (or a ReadWriteMany volume) so old and new pods never need it at once",
                    target is null ? null : $"kubectl patch {target}{nsFlag} -p '{{\"spec\":{{\"strategy\":{{\"type\":\"Recreate\",\"rollingUpdate\":null}}}}}}'"));
                break;

            case Categories.DependencyUnavailable:
                if (culprit.Kind == "External")
                {
                    steps.Add(new FixStep($"Check the status of {culprit.Name} and make the app degrade gracefully (back off and retry rather than exit)", null));
                }
                else if (culprit.Kind is "Deployment" or "StatefulSet" && root.Subject.Workload is { DesiredReplicas: 0 } || winner.Summary.Contains("scaled to 0", StringComparison.Ordinal))
                {
                    steps.Add(new FixStep($"Scale {culprit.Kind} {culprit.Name} back up", $"kubectl scale {culprit.Kind.ToLowerInvariant()}/{culprit.Name}{nsFlag} --replicas=1"));
                }
                else
                {
                    steps.Add(new FixStep($"See which endpoints serve {winner.Entity("host") ?? "the dependency"}", $"kubectl get endpoints{nsFlag}"));
                }

                break;

            case Categories.DependencyAuthFailure:
                steps.Add(new FixStep("Check that the credentials or CA the app uses match what the dependency expects (rotated password, expired token, missing CA bundle)", null));
                if (target is not null)
                {
                    steps.Add(new FixStep("After updating the Secret, restart the workload so it reads the new value", $"kubectl rollout restart {target}{nsFlag}"));
                }

                break;

            case Categories.SchemaMismatch:
                steps.Add(new FixStep("Run the pending database migrations (or roll the app back to the version that matches the schema)", null));
                break;

            case Categories.NetworkFailure:
                steps.Add(new FixStep($"Check that {winner.Entity("host") ?? "the host"} is spelled right and that a Service of that name exists", $"kubectl get svc{nsFlag}"));
                steps.Add(new FixStep("Check NetworkPolicies that may block the path", $"kubectl get networkpolicy{nsFlag}"));
                break;

            case Categories.ExitsZero:
                steps.Add(new FixStep("A process that finishes and exits 0 belongs in a Job or CronJob, not a Deployment; or make the main process stay in the foreground", null));
                break;

            case Categories.InvalidCommand:
                steps.Add(new FixStep($"Fix the command or entrypoint of container {container} ({winner.Entity("command") ?? "see the error"}): check the path exists in the image and is executable",
                    target is null ? null : $"kubectl edit {target}{nsFlag}"));
                break;

            case Categories.PermissionDenied:
                steps.Add(new FixStep($"Give the process the permission it needs{(winner.Entity("path") is { } deniedPath ? $" on {deniedPath}" : string.Empty)}: a writable emptyDir for paths under a read-only root filesystem, or fsGroup/runAsUser matching the volume's owner",
                    target is null ? null : $"kubectl edit {target}{nsFlag}"));
                break;

            case Categories.MissingDependency:
                steps.Add(new FixStep($"Add {winner.Entity("module") ?? "the missing library"} to the image (dependency manifest and build), then roll out the new image", null));
                break;

            case Categories.PortConflict:
                steps.Add(new FixStep($"Make port {winner.Entity("port") ?? "<port>"} free for container {container}: move the other listener (sidecar or host process with hostNetwork) to another port", target is null ? null : $"kubectl edit {target}{nsFlag}"));
                break;

            case Categories.ResourceExhaustion:
                steps.Add(new FixStep("Raise the exhausted resource (volume size, file-descriptor limit, pool size) or fix the leak that consumes it", null));
                break;

            case Categories.InvalidConfig:
            case Categories.FileNotFound:
                steps.Add(new FixStep($"Fix {(winner.Entity("file") is { } file ? file : "the configuration")} in the ConfigMap or image that provides it, then restart", target is null ? null : $"kubectl rollout restart {target}{nsFlag}"));
                break;

            case Categories.AppCrash:
            case Categories.NativeCrash:
                steps.Add(new FixStep("Fix the bug in the app (the stack trace is in the evidence), or roll back to the last good version", target is null ? null : $"kubectl rollout history {target}{nsFlag}"));
                break;
        }

        if (pod is not null && container is not null && winner.Category is not (Categories.NodePressure or Categories.Unschedulable or Categories.ImagePullFailure or Categories.MissingConfigObject or Categories.VolumeFailure))
        {
            steps.Add(new FixStep("Read the log of the crashed instance", $"kubectl logs {pod.Name} -n {pod.Namespace} -c {container} --previous --tail=100"));
        }

        if (pod is not null)
        {
            steps.Add(new FixStep("See the pod's state and events", $"kubectl describe pod {pod.Name} -n {pod.Namespace}"));
        }

        return steps;
    }

    private static string Registry(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && image[..slash].Contains('.', StringComparison.Ordinal) ? image[..slash] : "docker.io";
    }

    private static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return image[..at];
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[..colon] : image;
    }

    internal static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
