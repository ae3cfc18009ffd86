using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Klarsicht.FakeKube.Api;

/// <summary>What the API server answers for paths it does not serve and for methods the fake does not support.</summary>
internal static class FallbackEndpoints
{
    private static readonly byte[] NotFound = KubeStatus.Serialize(StatusCodes.Status404NotFound, "NotFound",
        "the server could not find the requested resource", new StatusDetails(null, null, null));

    private static readonly byte[] MethodNotAllowed = KubeStatus.Serialize(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed",
        "the server does not allow this method on the requested resource", new StatusDetails(null, null, null));

    public static IEndpointRouteBuilder MapKubeFallback(this IEndpointRouteBuilder app)
    {
        app.MapFallback(context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? NotFoundAsync(context)
            : ResponseWriter.WriteJsonAsync(context, MethodNotAllowed, StatusCodes.Status405MethodNotAllowed));
        return app;
    }

    public static Task NotFoundAsync(HttpContext context) => ResponseWriter.WriteJsonAsync(context, NotFound, StatusCodes.Status404NotFound);
}
