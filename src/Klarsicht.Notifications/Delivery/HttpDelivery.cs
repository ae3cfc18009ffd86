using System.Net;
using Polly.Timeout;

namespace Klarsicht.Notifications.Delivery;

/// <summary>
/// The classification every channel shares: what an HTTP answer or a transport failure means for the outbox.
/// Nothing here retries.
/// </summary>
internal static class HttpDelivery
{
    /// <summary>Runs one attempt and turns transport failures into results; only the caller's cancellation escapes.</summary>
    public static async Task<DeliveryResult> RunAsync(
        string channel, TimeSpan timeout, Func<CancellationToken, Task<DeliveryResult>> attempt, CancellationToken ct)
    {
        try
        {
            return await attempt(ct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Refit wraps transport failures (ApiRequestException), so look through the whole chain.
            ct.ThrowIfCancellationRequested();
            return FromException(channel, timeout, ex);
        }
    }

    private static DeliveryResult FromException(string channel, TimeSpan timeout, Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case TimeoutRejectedException:
                    return DeliveryResult.Retryable($"{channel}: no answer within {timeout.TotalSeconds:0.###} s");
                case HttpRequestException http:
                    // The message names host and port at most; webhook paths (which are secrets) are never in it.
                    return DeliveryResult.Retryable($"{channel}: {Describe(http.HttpRequestError)}: {http.Message}");
                case OperationCanceledException:
                    // HttpClient.Timeout, the backstop behind the resilience timeout, surfaces as a cancellation.
                    return DeliveryResult.Retryable($"{channel}: no answer within the HTTP client timeout");
            }
        }

        // Anything else is a bug or a misconfiguration on our side; sending the same thing again will not help.
        return DeliveryResult.Permanent($"{channel}: {exception.GetType().Name}: {exception.Message}");
    }

    /// <summary>429 and 5xx (and 408) are worth retrying; any other non-success status is permanent.</summary>
    public static DeliveryResult FromFailedStatus(string channel, HttpResponseMessage response, string? detail, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        var text = string.IsNullOrWhiteSpace(detail) ? $"{channel}: HTTP {status}" : $"{channel}: HTTP {status} {detail}";
        return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500
            ? DeliveryResult.Retryable(text, RetryAfter(response, time))
            : DeliveryResult.Permanent(text);
    }

    /// <summary>The <c>Retry-After</c> header as a delay: seconds, or an HTTP date converted against now.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>A short body to quote in an error: Slack webhooks answer with a bare error code.</summary>
    public static async Task<string?> ReadShortBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        body = body.Trim();
        if (body.Length == 0)
        {
            return null;
        }

        return body.Length <= 120 ? body : body[..120];
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.ConnectionError => "connection failed",
        HttpRequestError.NameResolutionError => "name resolution failed",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        HttpRequestError.ResponseEnded => "connection closed before the answer",
        _ => "request failed",
    };
}
