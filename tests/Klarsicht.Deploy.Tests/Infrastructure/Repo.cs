namespace Klarsicht.Deploy.Tests.Infrastructure;

/// <summary>The repository the tests run from: the deployment files are read in place, not copied.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (Directory.Packages.props next to src/) above {AppContext.BaseDirectory}.");
    }
}
