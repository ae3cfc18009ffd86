using System.Text.Json;
using k8s.Models;
using Klarsicht.Kubernetes.Collectors;

namespace Klarsicht.Kubernetes.Tests.Collectors;

public sealed class ControllerRevisionsTests
{
    [Fact]
    public void StatefulSetRevisions_GiveTheCurrentAndPreviousRevision_AndWhatChanged()
    {
        var revisions = new[]
        {
            Revision("db-6c8f9", 3, "postgres:16.4", "512Mi", new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc)),
            Revision("db-7d9a1", 4, "postgres:16.6", "256Mi", new DateTime(2026, 3, 1, 11, 30, 0, DateTimeKind.Utc)),
            Revision("other-1", 9, "redis:7", "64Mi", new DateTime(2026, 3, 1, 11, 45, 0, DateTimeKind.Utc), owner: "cache"),
        };

        var rollout = ControllerRevisions.Rollout(revisions, "StatefulSet", "db", "db-7d9a1");

        Assert.NotNull(rollout);
        Assert.Equal((4, 3), (rollout!.CurrentRevision, rollout.PreviousRevision));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 30, 0, TimeSpan.Zero), rollout.RolledOutAt);
        Assert.Contains(rollout.Changes, c => c.Field == "image" && c.Before == "postgres:16.4" && c.After == "postgres:16.6");
        Assert.Contains(rollout.Changes, c => c.Field == "memory limit" && c.Before == "512Mi" && c.After == "256Mi");
    }

    [Fact]
    public void SingleRevision_HasNoPrevious_AndNoChanges()
    {
        var rollout = ControllerRevisions.Rollout([Revision("ds-1", 1, "agent:1", "64Mi", DateTime.UtcNow)], "StatefulSet", "db", null);
        Assert.Equal(1, rollout!.CurrentRevision);
        Assert.Null(rollout.PreviousRevision);
        Assert.Empty(rollout.Changes);
    }

    [Fact]
    public void SelectorFromPod_DropsTheLabelsThatDifferPerPod()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>
        {
            ["app"] = "db", ["controller-revision-hash"] = "db-7d9a1", ["statefulset.kubernetes.io/pod-name"] = "db-0", ["apps.kubernetes.io/pod-index"] = "0",
        } } };
        Assert.Equal("app=db", ControllerRevisions.SelectorFromPod(pod));
    }

    private static V1ControllerRevision Revision(string name, long revision, string image, string memory, DateTime created, string owner = "db")
    {
        var data = JsonSerializer.SerializeToElement(new
        {
            spec = new
            {
                template = new
                {
                    metadata = new { labels = new Dictionary<string, string> { ["app"] = owner } },
                    spec = new { containers = new[] { new { name = "main", image, resources = new { limits = new Dictionary<string, string> { ["memory"] = memory } } } } },
                },
            },
        });
        return new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                CreationTimestamp = created,
                OwnerReferences = [new V1OwnerReference { Kind = "StatefulSet", Name = owner, ApiVersion = "apps/v1", Uid = owner }],
            },
            Revision = revision,
            Data = data,
        };
    }
}
