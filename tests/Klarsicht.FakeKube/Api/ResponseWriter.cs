using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.FakeKube.Api;

/// <summary>Writes pre-serialised bytes straight to the response: no per-request JSON serialisation.</summary>
internal static class ResponseWriter
{
    private static readonly byte[] ItemsEnd = "]}"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    public static async Task WriteJsonAsync(HttpContext context, byte[] body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static async Task WriteTextAsync(HttpContext context, ReadOnlyMemory<byte> body, string contentType)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary><c>{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"…"},"items":[…]}</c>.</summary>
    public static async Task WriteListAsync(HttpContext context, string listKind, string apiVersion, string resourceVersion, IReadOnlyList<byte[]> items)
    {
        var head = Encoding.UTF8.GetBytes(
            $"{{\"kind\":\"{listKind}\",\"apiVersion\":\"{apiVersion}\",\"metadata\":{{\"resourceVersion\":\"{resourceVersion}\"}},\"items\":[");
        long length = head.Length + ItemsEnd.Length + Math.Max(0, items.Count - 1);
        foreach (var item in items)
        {
            length += item.Length;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = length;
        var writer = response.BodyWriter;
        writer.Write(head);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(Comma);
            }

            writer.Write(items[i]);
        }

        writer.Write(ItemsEnd);
        await writer.FlushAsync(context.RequestAborted);
    }
}
