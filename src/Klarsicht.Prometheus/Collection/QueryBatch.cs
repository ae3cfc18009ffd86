using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Klarsicht.Prometheus.Api;
using Klarsicht.Prometheus.Configuration;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Klarsicht.Prometheus.Collection;

/// <summary>
/// The queries of one collection. Each runs in a bounded slot with its own deadline; a failure becomes a gap,
/// never an exception. Failures with the same cause are reported once, listing the queries they hit, and a
/// Prometheus that cannot be reached is reported once and not asked again in this collection.
/// </summary>
internal sealed partial class QueryBatch(
    IPrometheusApi api,
    PrometheusOptions options,
    SemaphoreSlim slots,
    ILogger logger,
    CancellationToken cancellationToken)
{
    private const int MaxErrorLength = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<string>> _failures = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    // Where each query stands in the order the collector issued them; gaps list queries in that order, not in
    // the order they happened to fail, so the same outage always reads the same (same evidence, same RCA).
    private readonly Dictionary<string, int> _issued = new(StringComparer.Ordinal);
    private string? _unreachable;

    public string Timeout => QueryWindow.Duration(options.QueryTimeout);

    public int Queries { get; private set; }

    /// <summary>Gaps in the order their causes first appeared.</summary>
    public IReadOnlyList<string> Gaps
    {
        get
        {
            lock (_lock)
            {
                var gaps = new List<string>();
                if (_unreachable is not null)
                {
                    gaps.Add(_unreachable);
                }

                int Rank(string query) => _issued.TryGetValue(query, out var rank) ? rank : int.MaxValue;
                foreach (var cause in _order.OrderBy(c => _failures[c].Min(Rank)).ThenBy(c => c, StringComparer.Ordinal))
                {
                    var what = _failures[cause].OrderBy(Rank).ThenBy(q => q, StringComparer.Ordinal).ToList();
                    var list = what.Count <= 3 ? string.Join(", ", what) : $"{string.Join(", ", what.Take(3))} and {what.Count - 3} more";
                    gaps.Add(Redact($"metrics: {cause} ({list})"));
                }

                return gaps;
            }
        }
    }

    public Task<IReadOnlyList<PrometheusSeries>?> InstantAsync(string what, string query, DateTimeOffset time) =>
        RunAsync(what, token => api.QueryAsync(new InstantQuery(query, QueryWindow.Unix(time), Timeout), token));

    public Task<IReadOnlyList<PrometheusSeries>?> RangeAsync(string what, string query, QueryWindow window) =>
        RunAsync(what, token => api.QueryRangeAsync(
            new RangeQuery(query, QueryWindow.Unix(window.From), QueryWindow.Unix(window.To), QueryWindow.Duration(window.Step), Timeout), token));

    private async Task<IReadOnlyList<PrometheusSeries>?> RunAsync(string what, Func<CancellationToken, Task<IApiResponse<PrometheusResponse>>> call)
    {
        lock (_lock)
        {
            _issued.TryAdd(what, _issued.Count);
        }

        if (IsUnreachable)
        {
            return null;
        }

        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Queries queued behind a failed connection need not try again.
            if (IsUnreachable)
            {
                return null;
            }

            lock (_lock)
            {
                Queries++;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.QueryTimeout);
            using var response = await call(deadline.Token).ConfigureAwait(false);
            if (response.HasRequestError(out var requestError))
            {
                // Refit may hand over a failed send as a value rather than throw it.
                Failed(what, requestError.InnerException ?? requestError);
                return null;
            }

            return Read(what, response);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed(what, e);
        }
        finally
        {
            slots.Release();
        }

        return null;
    }

    private void Failed(string what, Exception e)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (e)
        {
            case OperationCanceledException or TimeoutRejectedException:
                Fail(what, TimedOut());
                break;
            case BrokenCircuitException:
                Unreachable("the circuit breaker is open after repeated failures");
                break;
            case HttpRequestException request:
                Unreachable(Describe(request));
                break;
            case ApiException unreadable:
                Fail(what, $"Prometheus answered HTTP {(int)unreadable.StatusCode} that could not be read");
                break;
            case ApiRequestException { InnerException: { } inner }:
                Failed(what, inner);
                break;
            default:
                // Anything else is a bug or an unknown transport failure; either way a gap, not a failed investigation.
                LogUnexpected(logger, what, e);
                Fail(what, $"Prometheus query failed: {e.GetType().Name}");
                break;
        }
    }

    private bool IsUnreachable
    {
        get
        {
            lock (_lock)
            {
                return _unreachable is not null;
            }
        }
    }

    private IReadOnlyList<PrometheusSeries>? Read(string what, IApiResponse<PrometheusResponse> response)
    {
        var status = (int?)response.StatusCode ?? 0;
        var body = response.HasResponseError(out var error) ? error.Content : null;
        var envelope = response.IsSuccessStatusCode && response.Error is null ? response.Content : Envelope(body);
        if (envelope is { IsSuccess: true, Data: { } data })
        {
            if (envelope.Warnings.Count > 0)
            {
                LogWarnings(logger, what, string.Join("; ", envelope.Warnings));
            }

            return data.Result;
        }

        if (envelope is { ErrorType: { } errorType })
        {
            Fail(what, $"Prometheus query failed with {errorType} (HTTP {status}): {Shorten(envelope.Error ?? "no message")}");
            return null;
        }

        var cause = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when options.HasBearerToken || options.HasBasicAuth =>
                $"Prometheus at {options.DisplayUrl} refused the configured credentials (HTTP {status})",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"Prometheus at {options.DisplayUrl} wants credentials (HTTP {status}); set Klarsicht:Prometheus:BearerToken or Username/Password",
            HttpStatusCode.NotFound =>
                $"Prometheus answered HTTP 404 at {options.DisplayUrl}; check that Klarsicht:Prometheus:Url is the API base (Mimir: .../prometheus)",
            _ when response.IsSuccessStatusCode =>
                $"Prometheus answered HTTP {status} with a body that is not a Prometheus response",
            _ => $"Prometheus answered HTTP {status} {response.ReasonPhrase} without a Prometheus error{Snippet(body)}",
        };
        Fail(what, cause);
        return null;
    }

    private static PrometheusResponse? Envelope(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, PrometheusJsonContext.Default.PrometheusResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string TimedOut() => $"Prometheus query timed out after {QueryWindow.Duration(options.QueryTimeout)}";

    private void Fail(string what, string cause)
    {
        lock (_lock)
        {
            if (!_failures.TryGetValue(cause, out var list))
            {
                _failures[cause] = list = [];
                _order.Add(cause);
            }

            list.Add(what);
        }

        LogQueryFailed(logger, what, Redact(cause));
    }

    private void Unreachable(string reason)
    {
        lock (_lock)
        {
            if (_unreachable is not null)
            {
                return;
            }

            _unreachable = Redact($"metrics: Prometheus unreachable at {options.DisplayUrl}: {reason}");
        }

        LogUnreachable(logger, options.DisplayUrl, Redact(reason));
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                    SocketError.ConnectionReset => "connection reset",
                    var code => code.ToString(),
                };
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => $"TLS handshake failed ({Shorten(e.InnerException?.Message ?? e.Message)})",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.ResponseEnded => "the connection closed before a response",
            HttpRequestError.ProxyTunnelError => "the proxy tunnel failed",
            _ => Shorten(e.Message),
        };
    }

    private static string Snippet(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }

        // A proxy's error page: the text a person would read, without markup.
        var text = Whitespace().Replace(Tags().Replace(body, " "), " ").Trim();
        return text.Length == 0 ? "" : $": {Shorten(text, 80)}";
    }

    private static string Shorten(string text, int max = MaxErrorLength) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    /// <summary>Last line of defence: no configured secret may leave in a gap or a log line, whatever echoed it.</summary>
    private string Redact(string text)
    {
        foreach (var secret in new[] { options.BearerToken, options.Password })
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prometheus query {What} failed: {Cause}")]
    private static partial void LogQueryFailed(ILogger logger, string what, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prometheus unreachable at {Url}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string url, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Prometheus query {What} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string what, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prometheus query {What} returned warnings: {Warnings}")]
    private static partial void LogWarnings(ILogger logger, string what, string warnings);
}
