using System.Text.Json;
using Klarsicht.FakeKube.Hosting;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.FakeKube.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Klarsicht.FakeKube.Tests.Scenarios;

public sealed class ScenarioLoaderTests(ITestOutputHelper output)
{
    [Fact]
    public void LoadCorpus_ReadsEveryFileSortedByFileName()
    {
        var corpus = ScenarioLoader.LoadCorpus(TestCorpus.Directory);

        Assert.Equal(["test-crashloop-deployment", "test-multi-container-init", "test-service-endpoints"], corpus.Select(s => s.Id));
        var first = corpus[0];
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), first.Now);
        Assert.Equal("alertmanager", first.Alert.Format);
        Assert.Equal("out_of_memory", first.Expected!.Category);
        Assert.Equal(new ScenarioObjectRef("Deployment", "shop-t1", "checkout-api"), first.Expected.Culprit);
        Assert.True(Assert.Single(first.Logs).Previous);
        Assert.Equal(new ScenarioSample(1767268500, 2.51e8), first.Series[0].Samples[0]);
        Assert.Equal("container_memory_working_set_bytes", first.Series[0].Labels["__name__"]);
    }

    [Fact]
    public void Load_KeepsUnknownObjectFieldsVerbatim()
    {
        var scenario = ScenarioLoader.Parse("""
            {"id":"x","now":"2026-01-01T12:00:00Z","alert":{"format":"grafana","payload":{"futureField":{"n":1.50}}},
             "objects":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","Name":"case matters"},"spec":{"newThing":[1,2.0,"3"]}}],
             "logs":[],"series":[[]] ,"expected":{"category":"c"}}
            """.Replace("[[]]", "[]", StringComparison.Ordinal));

        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","Name":"case matters"},"spec":{"newThing":[1,2.0,"3"]}}""",
            scenario.Objects[0].ToJsonString());
        Assert.Equal("""{"futureField":{"n":1.50}}""", scenario.Alert.Payload!.ToJsonString());
    }

    [Fact]
    public void Load_InvalidFile_ThrowsNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{\"id\": 1");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => ScenarioLoader.Load(file));
            Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PublicCorpus_WhenPresent_LoadsAndServesEveryScenario()
    {
        if (TestCorpus.PublicCorpus() is not { } directory)
        {
            output.WriteLine("Public corpus not found (set KLARSICHT_PUBLIC_CORPUS or lay shared/ beside the repo): skipped.");
            return;
        }

        var corpus = ScenarioLoader.LoadCorpus(directory);
        await using var server = await FakeKubeServer.StartAsync(new FakeKubeOptions { Scenarios = corpus });
        using var http = new HttpClient();

        Assert.NotEmpty(corpus);
        foreach (var scenario in corpus)
        {
            foreach (var pod in scenario.Objects.Where(o => (string?)o["kind"] == "Pod"))
            {
                var ns = (string)pod["metadata"]!["namespace"]!;
                var name = (string)pod["metadata"]!["name"]!;
                using var response = await http.GetAsync($"{server.BaseUrl}/api/v1/namespaces/{ns}/pods/{name}");
                Assert.True(response.IsSuccessStatusCode, $"{scenario.Id}: GET pod {ns}/{name} answered {response.StatusCode}");
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(name, json.RootElement.GetProperty("metadata").GetProperty("name").GetString());
            }

            foreach (var log in scenario.Logs)
            {
                var url = $"{server.BaseUrl}/api/v1/namespaces/{log.Namespace}/pods/{log.Pod}/log?container={log.Container}&previous={(log.Previous ? "true" : "false")}";
                Assert.Equal(log.Text, await http.GetStringAsync(url));
            }
        }

        output.WriteLine($"Served {corpus.Count} public scenarios from {directory}.");
    }
}
