using Klarsicht.Core.Alerts;
using Klarsicht.Core.Rcas;
using Klarsicht.Storage.Investigations;

namespace Klarsicht.Storage.Tests;

/// <summary>The same behaviour, asserted against SQLite and against a real PostgreSQL.</summary>
public abstract class StoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IInvestigationStore CreateStore();

    [Fact]
    public async Task Accept_NewAlert_CreatesAPendingInvestigation()
    {
        var store = CreateStore();
        var outcome = Assert.Single(await store.AcceptAsync([Item("fp1", "shop/Deployment/api")], T0, default));
        Assert.NotNull(outcome);
        Assert.Equal(RcaStatus.Pending, outcome!.Status);
        Assert.False(outcome.Deduplicated);
        var rca = await store.GetAsync(outcome.Id, default);
        Assert.Equal(RcaStatus.Pending, rca!.Status);
        Assert.Equal("KubePodCrashLooping", rca.Alert!.Name);
        Assert.Equal(1, rca.Alert.ReceivedCount);
    }

    [Fact]
    public async Task Accept_SameFingerprintAndStart_JoinsAndCounts()
    {
        var store = CreateStore();
        var first = (await store.AcceptAsync([Item("fp1", "shop/Deployment/api")], T0, default))[0]!;
        var again = (await store.AcceptAsync([Item("fp1", "shop/Deployment/api"), Item("fp1", "shop/Deployment/api")], T0.AddSeconds(5), default));
        Assert.All(again, o => Assert.Equal(first.Id, o!.Id));
        Assert.All(again, o => Assert.True(o!.Deduplicated));
        Assert.Equal(3, (await store.GetAsync(first.Id, default))!.Alert!.ReceivedCount);
    }

    [Fact]
    public async Task Accept_OtherAlertSameTarget_JoinsWhileOpenOrJustCompleted_ButNotLater()
    {
        var store = CreateStore();
        var first = (await store.AcceptAsync([Item("fp1", "shop/Deployment/api")], T0, default))[0]!;
        var joined = (await store.AcceptAsync([Item("fp2", "shop/Deployment/api")], T0, default))[0]!;
        Assert.Equal(first.Id, joined.Id);

        var claimed = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(claimed!.Id, "a", Diagnosis(), [], T0, default);
        var tail = (await store.AcceptAsync([Item("fp3", "shop/Deployment/api")], T0.AddMinutes(1), default))[0]!;
        Assert.Equal(first.Id, tail.Id);
        var later = (await store.AcceptAsync([Item("fp4", "shop/Deployment/api")], T0.AddMinutes(6), default))[0]!;
        Assert.NotEqual(first.Id, later.Id);
    }

    [Fact]
    public async Task Accept_ResolvedForKnownAlert_MarksResolved_AndUnknownStartsNothing()
    {
        var store = CreateStore();
        var first = (await store.AcceptAsync([Item("fp1", "shop/Deployment/api")], T0, default))[0]!;
        var resolved = await store.AcceptAsync([Item("fp1", "shop/Deployment/api", firing: false), Item("never-seen", "shop/Deployment/other", firing: false)], T0.AddMinutes(5), default);
        Assert.Equal(first.Id, resolved[0]!.Id);
        Assert.Null(resolved[1]);
        Assert.Equal("resolved", (await store.GetAsync(first.Id, default))!.Alert!.Status);
        Assert.Single((await store.QueryAsync(new RcaQuery(), default)).Items);
    }

    [Fact]
    public async Task Accept_AFiringAlertJoiningAfterTheOthersResolved_MakesTheInvestigationFiringAgain()
    {
        var store = CreateStore();
        var first = (await store.AcceptAsync([Item("fp1", "t1")], T0, default))[0]!;
        await store.AcceptAsync([Item("fp1", "t1", firing: false)], T0.AddMinutes(1), default);
        Assert.Equal("resolved", (await store.GetAsync(first.Id, default))!.Alert!.Status);

        var joined = (await store.AcceptAsync([Item("fp2", "t1")], T0.AddMinutes(2), default))[0]!;
        Assert.Equal(first.Id, joined.Id);
        Assert.Equal("firing", (await store.GetAsync(first.Id, default))!.Alert!.Status);

        // Completed and still firing, the investigation takes the next alert of its target within the join window.
        var claimed = await store.ClaimAsync("a", T0.AddMinutes(2), TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(claimed!.Id, "a", Diagnosis(), [], T0.AddMinutes(2), default);
        Assert.Equal(first.Id, (await store.AcceptAsync([Item("fp3", "t1")], T0.AddMinutes(3), default))[0]!.Id);
    }

    // One group commit runs each statement again for every alert with new values: every path twice in one batch.
    [Fact]
    public async Task Accept_OneBatchTakingEveryPathTwice_DecidesEachItemOnItsOwn()
    {
        var store = CreateStore();
        var setUp = await store.AcceptAsync([Item("fp0", "t0"), Item("fp1", "t1"), Item("fp2", "t2"), Item("fp3", "t3")], T0, default);
        var (i0, i1, i2, i3) = (setUp[0]!.Id, setUp[1]!.Id, setUp[2]!.Id, setUp[3]!.Id);
        var manual = new IntakeItem(new InvestigationRequest("manual", null, new TargetQuery("shop", "api-7d9f8b6c4-x2k9p", null, null, null, null, null, null)), "manual/a");

        var outcomes = await store.AcceptAsync(
            [
                Item("fp1", "t1"), Item("fp2", "t2"),                             // repeats
                Item("fp2", "t2", firing: false), Item("fp3", "t3", firing: false), // resolutions
                Item("fp4", "t1"), Item("fp5", "t0"),                             // join open investigations
                Item("fp6", "t4"), Item("fp7", "t5"),                             // new targets
                Item("fp8", "t4"), Item("fp9", "t5"),                             // join what this batch opened
                Item("unknown-1", "t6", firing: false), Item("unknown-2", "t7", firing: false),
                manual, manual with { TargetKey = "manual/b" },
            ],
            T0.AddMinutes(1), default);

        Assert.Equal([i1, i2, i2, i3, i1, i0], outcomes.Take(6).Select(o => o!.Id));
        Assert.All(outcomes.Take(6), o => Assert.True(o!.Deduplicated));
        var (i4, i5) = (outcomes[6]!.Id, outcomes[7]!.Id);
        Assert.Equal(6, new[] { i0, i1, i2, i3, i4, i5 }.Distinct().Count());
        Assert.All(outcomes.Skip(6).Take(2), o => Assert.False(o!.Deduplicated));
        Assert.Equal([i4, i5], outcomes.Skip(8).Take(2).Select(o => o!.Id));
        Assert.Null(outcomes[10]);
        Assert.Null(outcomes[11]);
        Assert.NotEqual(outcomes[12]!.Id, outcomes[13]!.Id);
        Assert.All(outcomes.Skip(12), o => Assert.Equal((RcaStatus.Pending, false), (o!.Status, o.Deduplicated)));

        // Received counts sum the deliveries of the investigation's alerts, resolutions included.
        Assert.Equal((3, "firing"), await AlertOf(i1));
        Assert.Equal((3, "resolved"), await AlertOf(i2));
        Assert.Equal((2, "resolved"), await AlertOf(i3));
        Assert.Equal((2, "firing"), await AlertOf(i0));
        Assert.Equal((2, "firing"), await AlertOf(i4));
        Assert.Equal(["fp6", "fp7"], [(await store.GetAsync(i4, default))!.Alert!.Fingerprint, (await store.GetAsync(i5, default))!.Alert!.Fingerprint]);
        Assert.Null((await store.GetAsync(outcomes[12]!.Id, default))!.Alert);
        Assert.Equal(8, (await store.QueryAsync(new RcaQuery(), default)).Items.Count);

        async Task<(int, string)> AlertOf(string id) => (await store.GetAsync(id, default))!.Alert is { } alert ? (alert.ReceivedCount, alert.Status) : default;
    }

    [Fact]
    public async Task Claim_TakesEachInvestigationOnce_UntilItsLeaseRunsOut()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1"), Item("fp2", "t2")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        var b = await store.ClaimAsync("b", T0, TimeSpan.FromMinutes(1), default);
        Assert.NotEqual(a!.Id, b!.Id);
        Assert.Null(await store.ClaimAsync("c", T0, TimeSpan.FromMinutes(1), default));

        // Replica a dies; after its lease another replica takes its investigation over.
        var taken = await store.ClaimAsync("c", T0.AddMinutes(2), TimeSpan.FromMinutes(1), default);
        Assert.Contains(taken!.Id, new[] { a.Id, b.Id });
        Assert.Equal(2, taken.Attempts);
        Assert.False(await store.CompleteAsync(taken.Id, taken.Id == a.Id ? "a" : "b", Diagnosis(), [], T0.AddMinutes(2), default));
        Assert.True(await store.CompleteAsync(taken.Id, "c", Diagnosis(), [], T0.AddMinutes(2), default));
    }

    [Fact]
    public async Task Renew_KeepsTheLease()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        Assert.True(await store.RenewLeaseAsync(a!.Id, "a", T0.AddMinutes(5), default));
        Assert.Null(await store.ClaimAsync("b", T0.AddMinutes(2), TimeSpan.FromMinutes(1), default));
    }

    [Fact]
    public async Task Complete_StoresTheRca_AndQueuesItsNotifications()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        Assert.True(await store.CompleteAsync(a!.Id, "a", Diagnosis(), ["slack", "grafana"], T0.AddSeconds(1), default));
        var rca = await store.GetAsync(a.Id, default);
        Assert.Equal(RcaStatus.Completed, rca!.Status);
        Assert.Equal(Categories.OutOfMemory, rca.RootCause!.Category);
        Assert.Equal(0.9, rca.Confidence);
        Assert.Equal(["grafana", "slack"], rca.Notifications.Select(n => n.Channel).Order());
        Assert.All(rca.Notifications, n => Assert.Equal("pending", n.Status));
        Assert.Equal("# pm\n", (await store.GetPostmortemAsync(a.Id, default))?.Markdown);
    }

    [Fact]
    public async Task Fail_RecordsWhy()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        Assert.True(await store.FailAsync(a!.Id, "a", "deadline exceeded", T0, default));
        var rca = await store.GetAsync(a.Id, default);
        Assert.Equal(RcaStatus.Failed, rca!.Status);
        Assert.Equal("deadline exceeded", rca.Error);
    }

    [Fact]
    public async Task Outbox_RetriesAfterItsTime_AndRecordsTheOutcome()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(a!.Id, "a", Diagnosis(), ["slack"], T0, default);

        var due = Assert.Single(await store.ClaimNotificationsAsync(T0, TimeSpan.FromMinutes(1), 10, default));
        Assert.Empty(await store.ClaimNotificationsAsync(T0, TimeSpan.FromMinutes(1), 10, default));
        await store.RecordNotificationAsync(due.Id, OutboxResult.Retry, "HTTP 429", null, T0.AddSeconds(7), T0, default);
        Assert.Empty(await store.ClaimNotificationsAsync(T0.AddSeconds(5), TimeSpan.FromMinutes(1), 10, default));
        var again = Assert.Single(await store.ClaimNotificationsAsync(T0.AddSeconds(8), TimeSpan.FromMinutes(1), 10, default));
        Assert.Equal(2, again.Attempts);
        await store.RecordNotificationAsync(again.Id, OutboxResult.Sent, null, "C1:123.456", null, T0.AddSeconds(8), default);
        Assert.Equal("C1:123.456", await store.GetThreadKeyAsync(a.Id, "slack", default));
        var state = Assert.Single((await store.GetAsync(a.Id, default))!.Notifications);
        Assert.Equal(("sent", 2), (state.Status, state.Attempts));
    }

    [Fact]
    public async Task ResolutionAndRefire_OfANotifiedInvestigation_QueueThreadReplies_NotNewRcas()
    {
        var store = CreateStore();
        var first = (await store.AcceptAsync([Item("fp1", "t1")], T0, default))[0]!;
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(a!.Id, "a", Diagnosis(), ["slack"], T0, default);
        var sent = Assert.Single(await store.ClaimNotificationsAsync(T0, TimeSpan.FromMinutes(1), 10, default));
        await store.RecordNotificationAsync(sent.Id, OutboxResult.Sent, null, "C1:1.0", null, T0, default);

        await store.AcceptAsync([Item("fp1", "t1", firing: false)], T0.AddMinutes(5), default);
        var resolved = Assert.Single(await store.ClaimNotificationsAsync(T0.AddMinutes(5), TimeSpan.FromMinutes(1), 10, default));
        Assert.Equal(("resolved", "slack"), (resolved.Kind, resolved.Channel));
        await store.RecordNotificationAsync(resolved.Id, OutboxResult.Sent, null, null, null, T0.AddMinutes(5), default);

        var refire = Item("fp1", "t1") with { };
        refire = refire with { Request = refire.Request with { Alert = refire.Request.Alert! with { StartsAt = T0.AddMinutes(10) } } };
        var outcome = (await store.AcceptAsync([refire], T0.AddMinutes(10), default))[0]!;
        Assert.Equal(first.Id, outcome.Id);
        Assert.True(outcome.Deduplicated);
        var refired = Assert.Single(await store.ClaimNotificationsAsync(T0.AddMinutes(10), TimeSpan.FromMinutes(1), 10, default));
        Assert.Equal("refired", refired.Kind);
        Assert.Equal("firing", (await store.GetAsync(first.Id, default))!.Alert!.Status);
        Assert.Single((await store.QueryAsync(new RcaQuery(), default)).Items);
    }

    [Fact]
    public async Task Query_FiltersAndPagesNewestFirst_StableUnderInserts()
    {
        var store = CreateStore();
        for (var i = 0; i < 7; i++)
        {
            await store.AcceptAsync([Item($"fp{i}", $"t{i}", ns: i % 2 == 0 ? "even" : "odd")], T0.AddSeconds(i), default);
        }

        var page1 = await store.QueryAsync(new RcaQuery(Namespace: "even", Limit: 2), default);
        Assert.Equal(2, page1.Items.Count);
        Assert.True(page1.Items[0].ReceivedAt > page1.Items[1].ReceivedAt);
        Assert.NotNull(page1.NextCursor);

        // Newer alerts arriving between pages must not shift or repeat the older pages.
        await store.AcceptAsync([Item("fp-new", "t-new", ns: "even")], T0.AddSeconds(30), default);
        Assert.True(RcaCursor.TryDecode(page1.NextCursor, out var cursor));
        var page2 = await store.QueryAsync(new RcaQuery(Namespace: "even", Limit: 2, Cursor: cursor), default);
        Assert.Equal(2, page2.Items.Count);
        Assert.Empty(page1.Items.Select(r => r.Id).Intersect(page2.Items.Select(r => r.Id)));
        Assert.True(page2.Items[0].ReceivedAt < page1.Items[1].ReceivedAt);

        Assert.Equal(3, (await store.QueryAsync(new RcaQuery(Namespace: "odd", Limit: 50), default)).Items.Count);
        Assert.Empty((await store.QueryAsync(new RcaQuery(Category: Categories.OutOfMemory), default)).Items);
        Assert.Equal(2, (await store.QueryAsync(new RcaQuery(From: T0.AddSeconds(5), To: T0.AddSeconds(6)), default)).Items.Count);
        Assert.Equal(8, (await store.QueryAsync(new RcaQuery(Status: RcaStatus.Pending), default)).Items.Count);
    }

    [Fact]
    public async Task Retention_DeletesOldFinishedRcas_Only()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("old", "t1"), Item("open", "t2")], T0, default);
        var a = await store.ClaimAsync("a", T0, TimeSpan.FromMinutes(1), default);
        await store.CompleteAsync(a!.Id, "a", Diagnosis(), ["slack"], T0, default);
        Assert.Equal(1, await store.DeleteCompletedBeforeAsync(T0.AddDays(1), default));
        Assert.Null(await store.GetAsync(a.Id, default));
        Assert.Single((await store.QueryAsync(new RcaQuery(), default)).Items);
    }

    [Fact]
    public async Task RequeueRunning_PutsOrphansBackToPending()
    {
        var store = CreateStore();
        await store.AcceptAsync([Item("fp1", "t1")], T0, default);
        var a = await store.ClaimAsync("dead-process", T0, TimeSpan.FromHours(1), default);
        Assert.Equal(1, await store.RequeueRunningAsync(T0, default));
        var b = await store.ClaimAsync("new-process", T0, TimeSpan.FromMinutes(1), default);
        Assert.Equal(a!.Id, b!.Id);
    }

    internal static IntakeItem Item(string fingerprint, string targetKey, bool firing = true, string ns = "shop")
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "KubePodCrashLooping", ["namespace"] = ns, ["pod"] = "api-7d9f8b6c4-x2k9p" };
        var alert = new ReceivedAlert(AlertSource.Alertmanager, "KubePodCrashLooping", fingerprint, firing, T0.AddMinutes(-10), null, labels, new Dictionary<string, string>());
        return new IntakeItem(new InvestigationRequest("alertmanager", alert, TargetQueryParser.Parse(labels)), targetKey);
    }

    internal static StoredDiagnosis Diagnosis() => new(
        new RcaTarget("Pod", "shop", "api-7d9f8b6c4-x2k9p", "api", new WorkloadRef("Deployment", "api")),
        new RootCause(Categories.OutOfMemory, "OOMKilled.", "detail", new Culprit("Deployment", "shop", "api"), []),
        0.9, [], [new EvidenceItem("pod", "OOMKilled", null, null)], [], [new FixStep("Raise the limit", "kubectl set resources deployment/api -n shop --limits=memory=768Mi")],
        new Durations(10, 1, 11), [], "# pm\n");
}

public sealed class SqliteStoreTests : StoreContractTests
{
    protected override IInvestigationStore CreateStore() => TestDatabases.Sqlite().Store;
}

public sealed class PostgresStoreTests : StoreContractTests
{
    protected override IInvestigationStore CreateStore() => TestDatabases.Postgres().Store;

    [Fact]
    public async Task TwoReplicas_ClaimingConcurrently_TakeEveryInvestigationExactlyOnce()
    {
        var store = CreateStore();
        var items = Enumerable.Range(0, 120).Select(i => Item($"fp{i}", $"target-{i}")).ToList();
        await store.AcceptAsync(items, DateTimeOffset.UtcNow, default);

        async Task<List<string>> Replica(string owner)
        {
            var taken = new List<string>();
            while (await store.ClaimAsync(owner, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), default) is { } claimed)
            {
                taken.Add(claimed.Id);
            }

            return taken;
        }

        var results = await Task.WhenAll(Replica("replica-a"), Replica("replica-b"), Replica("replica-c"));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(120, all.Count);
        Assert.Equal(120, all.Distinct().Count());
    }

    [Fact]
    public async Task ConcurrentBatches_LockingTargetsInOppositeOrder_DoNotDeadlock()
    {
        var store = CreateStore();
        var rounds = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            store.AcceptAsync([Item($"a{i}", "shop/Deployment/one"), Item($"b{i}", "shop/Deployment/two")], DateTimeOffset.UtcNow, default),
            store.AcceptAsync([Item($"c{i}", "shop/Deployment/two"), Item($"d{i}", "shop/Deployment/one")], DateTimeOffset.UtcNow, default),
        });
        var outcomes = (await Task.WhenAll(rounds)).SelectMany(o => o).ToList();
        Assert.Equal(80, outcomes.Count);
        Assert.Equal(2, outcomes.Select(o => o!.Id).Distinct().Count());
    }

    [Fact]
    public async Task TwoReplicas_AcceptingTheSameTargetConcurrently_OpenOneInvestigation()
    {
        var store = CreateStore();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.AcceptAsync([Item($"fp{i}", "shop/Deployment/api")], DateTimeOffset.UtcNow, default)));
        Assert.Single(outcomes.SelectMany(o => o).Select(o => o!.Id).Distinct());
    }
}
