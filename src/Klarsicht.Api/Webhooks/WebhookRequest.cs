using System.Buffers;
using System.Text.Json;
using Klarsicht.Api.Configuration;
using Klarsicht.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Klarsicht.Api.Webhooks;

/// <summary>Reads a webhook body once, bounded, so it can be both HMAC-verified and parsed.</summary>
internal static class WebhookRequest
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    public static bool IsJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return false;
        }

        var media = type.MediaType.Value ?? string.Empty;
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body, or null when it is larger than the limit.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > maxBytes)
            {
                return null;
            }

            // Kestrel ends the body at Content-Length (and fails the read if the sender stops short), so the body
            // goes straight into an array of its size: no copy, and no 16 KiB scratch buffer to clear per request.
            var body = new byte[declared];
            await request.Body.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            return body;
        }

        // Chunked: read through a pooled buffer until the end or the limit.
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    public static bool TryParse<T>(byte[] body, out T? value, out ProblemHttpResult? problem)
        where T : class
    {
        value = null;
        problem = null;
        try
        {
            value = JsonSerializer.Deserialize<T>(body, Json);
            if (value is null)
            {
                problem = Problem.BadRequest("The body is JSON null; an object was expected.", "$");
                return false;
            }

            return true;
        }
        catch (JsonException e)
        {
            problem = Problem.BadRequest($"The body is not valid for this endpoint: {FirstSentence(e.Message)}", string.IsNullOrEmpty(e.Path) ? "$" : e.Path);
            return false;
        }
    }

    // System.Text.Json messages end with "Path: $.x | LineNumber: 0 | BytePositionInLine: 3."; the field is reported separately.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>The 202 answer of every intake endpoint.</summary>
public sealed record IntakeResponse(IReadOnlyList<IntakeItemResponse> Investigations);

public sealed record IntakeItemResponse(string Id, string Status, bool Deduplicated);

/// <summary>The 202 answer of an on-demand investigation.</summary>
public sealed record InvestigationCreated(string Id, string Status);
