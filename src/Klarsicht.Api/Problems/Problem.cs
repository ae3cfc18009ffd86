using Microsoft.AspNetCore.Http.HttpResults;

namespace Klarsicht.Api.Problems;

/// <summary>RFC 7807 answers that name the offending field in <c>errors</c>, as the contract asks.</summary>
internal static class Problem
{
    public static ProblemHttpResult BadRequest(string detail, string field) => TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request body is invalid.",
        Detail = detail,
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } },
    });

    public static ProblemHttpResult Status(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        Status(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"Bodies larger than {maxBytes} bytes are refused (Klarsicht:Webhooks:MaxBodyBytes).");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", $"The body must be application/json, not {(string.IsNullOrEmpty(contentType) ? "missing" : contentType)}.");

    public static ProblemHttpResult Unauthorized(string detail) =>
        Status(StatusCodes.Status401Unauthorized, "Unauthorized.", detail);

    public static ProblemHttpResult Unavailable(string detail) =>
        Status(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable.", detail);
}
