using k8s;
using Klarsicht.Core.Alerts;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.Kubernetes.Collectors;
using Microsoft.Extensions.Options;

namespace Klarsicht.Kubernetes.Tests.Collectors;

public sealed class EventWindowTests
{
    [Fact]
    public async Task EventsBeforeTheInvestigationWindow_AreLeftOut_RecentOnesKept()
    {
        await using var kube = await FakeKubeServer.StartAsync(new FakeKubeOptions { CorpusDirectories = [Path.Combine(AppContext.BaseDirectory, "Corpus", "Files")], Offset = TimeSpan.Zero });
        var collector = new KubernetesClusterCollector(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = kube.BaseUrl }), Options.Create(new KubernetesOptions()));
        var query = new TargetQuery("shop-t1", "checkout-api-6d8f7c9b5-x7k2p", "api", null, null, null, null, null);
        var target = await collector.ResolveAsync(query, default);

        var everything = (await collector.CollectAsync(target, DateTimeOffset.MinValue, default)).Subject!.Events;
        var cut = everything.Select(e => e.LastSeen ?? e.FirstSeen).OfType<DateTimeOffset>().Order().ElementAt(everything.Count / 2);
        var recent = (await collector.CollectAsync(target, cut, default)).Subject!.Events;

        Assert.True(recent.Count < everything.Count, "some events should fall before the window");
        Assert.All(recent, e => Assert.True((e.LastSeen ?? e.FirstSeen) is not { } at || at >= cut));
        Assert.Contains(recent, e => e.Reason == "BackOff");
    }
}
