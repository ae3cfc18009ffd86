using Klarsicht.FakeKube.Api;
using Microsoft.AspNetCore.Http;

namespace Klarsicht.FakeKube.Faults;

/// <summary>Answers matching requests with an API error instead of the object: RBAC denials, server errors.</summary>
internal sealed class FaultInjector
{
    /// <summary>The identity a Forbidden message names, as the service account of an in-cluster agent would be.</summary>
    public const string DeniedUser = "system:serviceaccount:klarsicht:klarsicht";

    private sealed record Fault(Func<HttpRequest, bool> Match, int StatusCode, string Reason, string? Message);

    private volatile Fault[] _faults = [];
    private readonly Lock _gate = new();

    public void Add(Func<HttpRequest, bool> match, int statusCode, string reason, string? message)
    {
        lock (_gate)
        {
            _faults = [.. _faults, new Fault(match, statusCode, reason, message)];
        }
    }

    public void Clear() => _faults = [];

    /// <summary>Writes the fault's Status and returns true when a fault matches the request.</summary>
    public async Task<bool> TryFailAsync(HttpContext context)
    {
        var faults = _faults;
        if (faults.Length == 0)
        {
            return false;
        }

        var fault = Array.Find(faults, f => f.Match(context.Request));
        if (fault is null)
        {
            return false;
        }

        var path = RequestPath.Parse(context.Request.Path.Value ?? "/");
        var (message, details) = Describe(fault, path, context.Request.Path.Value ?? "/");
        await KubeStatus.WriteAsync(context, fault.StatusCode, fault.Reason, message, details);
        return true;
    }

    private static (string Message, StatusDetails? Details) Describe(Fault fault, RequestPath? path, string rawPath)
    {
        var details = path is null ? null : new StatusDetails(path.Name, path.Group, path.Resource);
        if (fault.Message is not null)
        {
            return (fault.Message, details);
        }

        switch (fault.Reason)
        {
            case "Forbidden" when path is null:
                return ($"forbidden: User \"{DeniedUser}\" cannot get path \"{rawPath}\"", null);
            case "Forbidden":
                var subject = path.Name is null ? path.QualifiedResource : $"{path.QualifiedResource} \"{path.Name}\"";
                var scope = path.Namespace is null ? "at the cluster scope" : $"in the namespace \"{path.Namespace}\"";
                return ($"{subject} is forbidden: User \"{DeniedUser}\" cannot {path.Verb} resource \"{path.ResourceWithSubresource}\" in API group \"{path.Group}\" {scope}",
                    details);
            case "Unauthorized":
                return ("Unauthorized", null);
            case "InternalError":
                const string cause = "fault injected by the fake Kubernetes API";
                return ($"Internal error occurred: {cause}", new StatusDetails(path?.Name, path?.Group, path?.Resource, [cause]));
            case "TooManyRequests":
                return ("the server has received too many requests and has asked us to try again later", details);
            case "ServiceUnavailable":
                return ("the server is currently unable to handle the request", details);
            case "Timeout":
                return ("the server was unable to return a response in the time allotted, but may still be processing the request", details);
            default:
                return ($"the server reported {fault.Reason} ({fault.StatusCode})", details);
        }
    }
}
