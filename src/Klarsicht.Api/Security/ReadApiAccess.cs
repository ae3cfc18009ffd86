using System.Net;
using Klarsicht.Api.Configuration;
using Klarsicht.Api.Problems;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Security;

/// <summary>
/// The query API's guard: a bearer token when <c>Klarsicht:Api:Tokens</c> is set, otherwise loopback
/// callers only (said at startup).
/// </summary>
public sealed class ReadApiAccess(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tokens = options.CurrentValue.Tokens.Where(t => !string.IsNullOrEmpty(t)).ToList();
        if (tokens.Count > 0)
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            var presented = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
            if (presented is null || !tokens.Any(t => WebhookAuthenticator.FixedTimeEquals(t, presented)))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Problem.Unauthorized(presented is null ? "A bearer token is required (Klarsicht:Api:Tokens)." : "The bearer token is not valid.");
            }
        }
        else if (!IsLoopback(http.Connection.RemoteIpAddress))
        {
            return Problem.Status(StatusCodes.Status403Forbidden, "Forbidden.", "No API tokens are configured, so the query API answers loopback callers only. Set Klarsicht__Api__Tokens__0 to open it.");
        }

        return await next(context).ConfigureAwait(false);
    }

    // TestServer has no remote address; it only exists in-process.
    private static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Loopback) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
}
