using System.Text.Json.Nodes;
using Klarsicht.Api.Tests.Infrastructure;

namespace Klarsicht.Api.Tests.Operability;

public sealed class OpenApiTests
{
    /// <summary>Set KLARSICHT_UPDATE_OPENAPI=1 to rewrite openapi/klarsicht.json from the running code.</summary>
    [Fact]
    public async Task CommittedOpenApiDocument_MatchesTheRunningCode()
    {
        await using var app = await KlarsichtApp.StartAsync();
        var live = JsonNode.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;
        live["servers"]?.AsArray().Clear();
        var path = Path.Combine(RepoRoot(), "openapi", "klarsicht.json");
        var rendered = live.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("KLARSICHT_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, rendered);
        }

        Assert.True(File.Exists(path), "openapi/klarsicht.json is missing: run the tests once with KLARSICHT_UPDATE_OPENAPI=1");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(committed, live), "openapi/klarsicht.json differs from the running code: rerun with KLARSICHT_UPDATE_OPENAPI=1 and commit the change");
    }

    [Fact]
    public async Task SwaggerUi_IsServedOnDemand_AndOtherPathsStillReachTheApi()
    {
        await using var app = await KlarsichtApp.StartAsync();
        using var client = app.CreateClient();

        using var ui = await client.GetAsync("/swagger/index.html");
        using var unknown = await client.GetAsync("/swagger/nothing-here");
        using var health = await client.GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, ui.StatusCode);
        Assert.Equal("text/html", ui.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Klarsicht.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
