using System.Net;

namespace Klarsicht.Core.Evidence;

/// <summary>Tells in-cluster Service spellings from hosts outside the cluster.</summary>
public static class HostNames
{
    private static readonly HashSet<string> PublicSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "io", "dev", "app", "cloud", "co", "ai", "info", "biz", "de", "uk", "eu", "fr", "nl", "us", "ch", "at", "se", "jp",
    };

    /// <summary>Whether a host name points outside the cluster (a DNS name that no Service spelling produces).</summary>
    public static bool LooksExternal(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return false;
        }

        var labels = host.Split('.');
        if (labels.Length < 2 || host.EndsWith(".svc", StringComparison.Ordinal) || host.Contains(".svc.", StringComparison.Ordinal)
            || host.EndsWith(".local", StringComparison.Ordinal) || host.EndsWith(".internal", StringComparison.Ordinal))
        {
            return false;
        }

        // name.namespace is how pods address a Service in another namespace; example.com is not.
        return labels.Length == 2 ? PublicSuffixes.Contains(labels[1]) : !labels[^1].All(char.IsDigit);
    }

}
