using System.Text.RegularExpressions;

namespace Klarsicht.Core.Redaction;

/// <summary>
/// Removes values that look like credentials from text before anything stores, posts or logs it:
/// passwords in URLs, bearer tokens, JWTs, cloud keys, Slack tokens, private keys and <c>KEY=value</c>
/// pairs whose key names a secret. The names stay, so "JWT_SECRET is not set" still reads.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    // user:password@ in any URL-ish string (postgres://, amqp://, https://, redis://).
    [GeneratedRegex(@"(?<prefix>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'""]*:)(?<secret>[^\s@'""/]+)(?=@)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?<prefix>\b(?:Bearer|Basic|Token|Bot)\s+)(?<secret>[A-Za-z0-9\-._~+/]{8,}=*)", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9\-]{10,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9\-_]{20,}|sk_live_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9\-_]{20,}|glsa_[A-Za-z0-9_]{20,})", RegexOptions.CultureInvariant)]
    private static partial Regex VendorToken();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    // KEY=value, KEY: value, "key": "value", key='value' where the key names a secret.
    [GeneratedRegex(
        @"(?<prefix>(?<key>[""']?[A-Za-z0-9_.\-]*(?:passw(?:or)?d|passwd|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|credentials?|auth[_\-]?key|client[_\-]?secret|session[_\-]?key|signing[_\-]?key|encryption[_\-]?key|dsn)[A-Za-z0-9_.\-]*[""']?)\s*(?:=|:|=>)\s*[""']?)(?<secret>[^\s""',;&}\]]+)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueSecret();

    // The `password` parameter of a libpq/JDBC keyword string: password=... inside "host=db password=x".
    [GeneratedRegex(@"(?<prefix>\b(?:password|pwd)\s+)(?<secret>(?!authentication\b|for\b|is\b|was\b|must\b|required\b|not\b|missing\b|too\b|has\b|expired\b|incorrect\b|invalid\b|mismatch\b)\S{6,})(?=\s*$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TrailingPasswordWord();

    /// <summary>The text with every secret-looking value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = PrivateKey().Replace(text, Mask);
        result = UrlCredentials().Replace(result, m => m.Groups["prefix"].Value + Mask);
        result = AuthorizationValue().Replace(result, m => m.Groups["prefix"].Value + Mask);
        result = Jwt().Replace(result, Mask);
        result = AwsAccessKey().Replace(result, Mask);
        result = SlackToken().Replace(result, Mask);
        result = VendorToken().Replace(result, Mask);
        result = KeyValueSecret().Replace(result, m => m.Groups["secret"].Value == Mask || IsHarmlessValue(m.Groups["secret"].Value) || IsTypeName(m.Groups["key"].Value)
            ? m.Value
            : m.Groups["prefix"].Value + Mask);
        result = TrailingPasswordWord().Replace(result, m => m.Groups["prefix"].Value + Mask);
        return result;
    }

    /// <summary>Redacts every line of a log in place.</summary>
    public static IReadOnlyList<string> RedactLines(IReadOnlyList<string> lines)
    {
        var result = new string[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            result[i] = Redact(lines[i]);
        }

        return result;
    }

    // "InvalidPasswordError: password authentication failed" is an exception name and its message, not a pair.
    private static bool IsTypeName(string key)
    {
        var trimmed = key.Trim('"', '\'');
        return trimmed.EndsWith("Error", StringComparison.Ordinal) || trimmed.EndsWith("Exception", StringComparison.Ordinal)
            || trimmed.EndsWith("Failed", StringComparison.Ordinal) || trimmed.EndsWith("Required", StringComparison.Ordinal);
    }

    // Values that are not secrets even behind a secret-sounding key: references and placeholders.
    private static bool IsHarmlessValue(string value) =>
        value.Length == 0
        || value.StartsWith("[REDACTED", StringComparison.Ordinal)
        || value is "null" or "None" or "nil" or "undefined" or "true" or "false" or "required" or "missing" or "set" or "unset" or "empty" or "***" or "<redacted>" or "REDACTED"
        || value.StartsWith('$')
        || value.StartsWith('<')
        || value.StartsWith("secretKeyRef", StringComparison.Ordinal)
        || value.StartsWith("valueFrom", StringComparison.Ordinal);
}
