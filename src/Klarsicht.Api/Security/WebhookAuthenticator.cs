using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Klarsicht.Api.Configuration;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Security;

/// <summary>
/// Checks webhook credentials: a bearer token, Basic credentials, or Grafana's HMAC signature over the raw
/// body (optionally with a signed timestamp inside a replay window). Every comparison is constant-time.
/// </summary>
public sealed class WebhookAuthenticator(IOptionsMonitor<WebhookOptions> options, TimeProvider time)
{
    // Signatures seen inside the replay window: the same signed request twice is a replay.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public bool IsOpen => !options.CurrentValue.HasCredentials;

    /// <summary>Null when the request may pass, else why not (without revealing any secret).</summary>
    public string? Check(HttpRequest request, ReadOnlySpan<byte> body, bool allowHmac)
    {
        var o = options.CurrentValue;
        if (!o.HasCredentials)
        {
            return null;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = authorization["Bearer ".Length..].Trim();
            if (o.Tokens.Any(t => !string.IsNullOrEmpty(t) & FixedTimeEquals(t, presented)))
            {
                return null;
            }
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(o.BasicUsername))
        {
            if (TryDecodeBasic(authorization["Basic ".Length..].Trim(), out var user, out var password)
                && FixedTimeEquals(o.BasicUsername, user) & FixedTimeEquals(o.BasicPassword ?? string.Empty, password))
            {
                return null;
            }
        }

        if (allowHmac && !string.IsNullOrEmpty(o.GrafanaHmacSecret) && request.Headers.TryGetValue(o.GrafanaSignatureHeader, out var signature))
        {
            return CheckSignature(o, request, body, signature.ToString());
        }

        return authorization.Length == 0 && !request.Headers.ContainsKey(o.GrafanaSignatureHeader)
            ? "Credentials are required: a bearer token, Basic credentials or a Grafana HMAC signature."
            : "The credentials are not valid.";
    }

    private string? CheckSignature(WebhookOptions o, HttpRequest request, ReadOnlySpan<byte> body, string signature)
    {
        var key = Encoding.UTF8.GetBytes(o.GrafanaHmacSecret!);
        byte[] mac;
        if (request.Headers.TryGetValue(o.GrafanaTimestampHeader, out var timestampHeader))
        {
            var timestamp = timestampHeader.ToString();
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return "The signature timestamp is not a Unix time in seconds.";
            }

            var now = time.GetUtcNow();
            var signedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
            if ((now - signedAt).Duration() > o.ReplayWindow)
            {
                return "The signature timestamp is outside the replay window.";
            }

            var prefix = Encoding.UTF8.GetBytes(timestamp + ":");
            var signed = new byte[prefix.Length + body.Length];
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed.AsSpan(prefix.Length));
            mac = HMACSHA256.HashData(key, signed);
            if (!HexEquals(mac, signature))
            {
                return "The HMAC signature does not match the body.";
            }

            Forget(now - o.ReplayWindow);
            return _seen.TryAdd(signature.ToLowerInvariant(), signedAt) ? null : "This signed request was already received (replay).";
        }

        mac = HMACSHA256.HashData(key, body);
        return HexEquals(mac, signature) ? null : "The HMAC signature does not match the body.";
    }

    private void Forget(DateTimeOffset before)
    {
        if (_seen.Count < 1024)
        {
            return;
        }

        foreach (var (signature, at) in _seen)
        {
            if (at < before)
            {
                _seen.TryRemove(signature, out _);
            }
        }
    }

    private static bool HexEquals(byte[] mac, string presented)
    {
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac));
        var actual = Encoding.ASCII.GetBytes(presented.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Constant-time string equality that does not leak the length through early exit.</summary>
    public static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static bool TryDecodeBasic(string encoded, out string user, out string password)
    {
        user = password = string.Empty;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            user = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
