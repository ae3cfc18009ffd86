using System.Xml.Linq;
using Klarsicht.Deploy.Tests.Infrastructure;

namespace Klarsicht.Deploy.Tests;

public sealed class DockerfileTests
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load("Dockerfile");

    [Fact]
    public void Dockerfile_BuildsWithTheSdkAndShipsOnTheAspNetRuntime()
    {
        var from = _dockerfile.All("FROM").ToList();
        Assert.True(from.Count >= 2, "a multi-stage build");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", from[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", from[^1], StringComparison.Ordinal);
        Assert.Contains(_dockerfile.All("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal) && r.Contains("-c Release", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_RunsAsTheNonRootAppUser()
    {
        var final = _dockerfile.FinalStage();
        Assert.Equal("$APP_UID", final.All("USER").Last());
        Assert.Equal("$APP_UID", final.Instructions.Last(i => i.Instruction is "USER" or "RUN").Arguments);
    }

    [Fact]
    public void Dockerfile_ExposesTheHttpPortAndHasNoHealthcheck()
    {
        Assert.Contains("8080", _dockerfile.FinalStage().All("EXPOSE"));
        Assert.Empty(_dockerfile.All("HEALTHCHECK"));
        Assert.Contains("Klarsicht.Api.dll", _dockerfile.FinalStage().All("ENTRYPOINT").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_WritesOnlyToTheDataVolume()
    {
        var final = _dockerfile.FinalStage();
        var environment = final.Environment();
        Assert.Equal("0", environment["DOTNET_EnableDiagnostics"]);
        Assert.Equal("Data Source=/data/klarsicht.db", environment["ConnectionStrings__Klarsicht"]);
        Assert.Contains("/data", final.All("VOLUME"));
        Assert.Contains(final.All("RUN"), r => r.Contains("chown", StringComparison.Ordinal) && r.Contains("/data", StringComparison.Ordinal));
        foreach (var key in environment.Keys.Where(k => !k.StartsWith("DOTNET_", StringComparison.Ordinal) && !k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)))
        {
            Assert.Null(ConfigKeys.Check(key));
        }
    }

    [Fact]
    public void Dockerfile_RestoresEveryProjectTheApiReferencesAndNothingFromTests()
    {
        var copies = _dockerfile.All("COPY").Where(c => !c.StartsWith("--from", StringComparison.Ordinal)).ToList();
        foreach (var project in ApiProjectClosure())
        {
            Assert.True(copies.Any(c => c.Split(' ')[0] == project), $"the restore stage does not COPY {project}: a project the Api references was added; add a COPY line for it");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(copies, c => c.Split(' ').Contains(file));
        }

        Assert.DoesNotContain(copies, c => c.Contains("tests/", StringComparison.Ordinal));
        Assert.Contains(_dockerfile.All("RUN"), r => r.StartsWith("dotnet restore src/Klarsicht.Api/Klarsicht.Api.csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerignore_KeepsBuildOutputAndHistoryOutOfTheContext()
    {
        var lines = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".git/" })
        {
            Assert.Contains(pattern, lines);
        }

        // The fake API's image (deploy/compose/fakekube/Dockerfile) builds from the same context.
        Assert.Contains("!tests/Klarsicht.FakeKube/", lines);
        Assert.True(lines.IndexOf("**/bin/") > lines.IndexOf("!tests/Klarsicht.FakeKube/"), "bin/ must be excluded after the FakeKube exception, or its build output enters the context");
    }

    /// <summary>src/Klarsicht.Api/Klarsicht.Api.csproj and every project it references, transitively, relative to the repository.</summary>
    private static IReadOnlyList<string> ApiProjectClosure()
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Repo.PathOf("src/Klarsicht.Api/Klarsicht.Api.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(Path.GetRelativePath(Repo.Root, project).Replace('\\', '/')))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, include)));
            }
        }

        return seen.ToList();
    }
}
