using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.FakeKube.Api;

/// <summary>Writes a Kubernetes <c>Status</c> error body, the shape every API error has.</summary>
public static class KubeStatus
{
    public static byte[] Serialize(int code, string reason, string message, StatusDetails? details = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", "Failure");
            json.WriteString("message", message);
            json.WriteString("reason", reason);
            if (details is not null)
            {
                json.WriteStartObject("details");
                if (details.Name is not null)
                {
                    json.WriteString("name", details.Name);
                }

                if (!string.IsNullOrEmpty(details.Group))
                {
                    json.WriteString("group", details.Group);
                }

                if (details.Kind is not null)
                {
                    json.WriteString("kind", details.Kind);
                }

                if (details.Causes is { Count: > 0 })
                {
                    json.WriteStartArray("causes");
                    foreach (var cause in details.Causes)
                    {
                        json.WriteStartObject();
                        json.WriteString("message", cause);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteNumber("code", code);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static Task WriteAsync(HttpContext context, int code, string reason, string message, StatusDetails? details = null) =>
        ResponseWriter.WriteJsonAsync(context, Serialize(code, reason, message, details), code);

    public static Task NotFoundAsync(HttpContext context, string qualifiedResource, string group, string plural, string name) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "NotFound", $"{qualifiedResource} \"{name}\" not found",
            new StatusDetails(name, group, plural));

    public static Task BadRequestAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", message);

    /// <summary>Default reason for a status code, as the API server names them.</summary>
    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}

public sealed record StatusDetails(string? Name, string? Group, string? Kind, IReadOnlyList<string>? Causes = null);
