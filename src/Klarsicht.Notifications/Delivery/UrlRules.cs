namespace Klarsicht.Notifications.Delivery;

internal static class UrlRules
{
    public static bool IsAbsoluteHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>A base address that keeps its path: Refit appends <c>/method</c> to it, so no trailing slash.</summary>
    public static Uri BaseAddress(string url) => new(url.TrimEnd('/'), UriKind.Absolute);
}
