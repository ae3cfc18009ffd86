using Klarsicht.Api.Problems;
using Klarsicht.Api.Security;
using Klarsicht.Core.Rcas;
using Klarsicht.Storage.Investigations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klarsicht.Api.Rcas;

/// <summary>The query API: list with filters and cursor pagination, one RCA, its postmortem.</summary>
public static class RcaEndpoints
{
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapRcas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/rcas").WithTags("RCAs").AddEndpointFilter<ReadApiAccess>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", ListAsync).WithName("ListRcas").WithSummary("RCAs, newest first, with filters and a cursor").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).WithName("GetRca").WithSummary("One RCA").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/postmortem", GetPostmortemAsync).WithName("GetPostmortem").WithSummary("The RCA's postmortem draft as markdown")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<RcaList>, ProblemHttpResult>> ListAsync(
        IInvestigationStore store,
        string? @namespace,
        string? pod,
        string? workload,
        string? category,
        string? status,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problem.BadRequest($"limit must be between 1 and {MaxLimit}.", "limit");
        }

        if (category is not null && !Categories.IsKnown(category))
        {
            return Problem.BadRequest("category must be an id from the taxonomy.", "category");
        }

        if (status is not null && !RcaStatus.All.Contains(status))
        {
            return Problem.BadRequest("status must be pending, running, completed or failed.", "status");
        }

        if (from is not null && to is not null && from > to)
        {
            return Problem.BadRequest("from must not be after to.", "from");
        }

        RcaCursor? position = null;
        if (cursor is not null && !RcaCursor.TryDecode(cursor, out position))
        {
            return Problem.BadRequest("cursor is not a cursor this API returned.", "cursor");
        }

        var page = await store.QueryAsync(new RcaQuery(@namespace, pod, workload, category, status, from, to, limit ?? 50, position), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new RcaList(page.Items, page.NextCursor));
    }

    public static async Task<Results<Ok<Rca>, ProblemHttpResult>> GetAsync(string id, IInvestigationStore store, CancellationToken cancellationToken)
    {
        var rca = id.Length > 64 ? null : await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return rca is null ? NotFound(id) : TypedResults.Ok(rca);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPostmortemAsync(string id, IInvestigationStore store, CancellationToken cancellationToken)
    {
        if (id.Length > 64)
        {
            return NotFound(id);
        }

        // One read: the status says why there is no postmortem yet.
        if (await store.GetPostmortemAsync(id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return NotFound(id);
        }

        return found.Markdown is null
            ? Problem.Status(StatusCodes.Status404NotFound, "No postmortem yet.", $"RCA {id} is {found.Status}; its postmortem exists once it is completed.")
            : TypedResults.Text(found.Markdown, "text/markdown; charset=utf-8");
    }

    private static ProblemHttpResult NotFound(string id) =>
        Problem.Status(StatusCodes.Status404NotFound, "RCA not found.", $"No RCA has the id {id}.");
}

public sealed record RcaList(IReadOnlyList<Rca> Items, string? NextCursor);
