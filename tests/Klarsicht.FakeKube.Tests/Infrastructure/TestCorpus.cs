namespace Klarsicht.FakeKube.Tests.Infrastructure;

/// <summary>The hand-written scenarios under Corpus/ (copied next to the test assembly) and their names.</summary>
internal static class TestCorpus
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public const string ShopNamespace = "shop-t1";
    public const string CrashingPod = "checkout-api-6d8f7c9b5-x7k2p";
    public const string WorkerPod = "checkout-worker-5b6c7d8e9f-q4w8z";
    public const string ShopNode = "worker-t1";

    public const string BatchNamespace = "batch-t2";
    public const string MultiContainerPod = "report-api-7c9d5f-abcde";

    public const string CacheNamespace = "cache-t3";

    /// <summary>
    /// The shared public corpus, when this checkout has one beside it (CI lays shared/ next to the repository).
    /// Null when absent: tests that want it report that and return.
    /// </summary>
    public static string? PublicCorpus()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KLARSICHT_PUBLIC_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment) && System.IO.Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "scenarios", "public");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
