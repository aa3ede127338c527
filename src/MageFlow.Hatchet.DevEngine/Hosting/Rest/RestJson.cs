using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>What every REST resource shares: Hatchet's error shape (<c>APIErrors</c>), pagination, query and body parsing.</summary>
internal static class RestJson
{
    /// <summary>An answer in Hatchet's error shape, <c>{"errors":[{"description":...}]}</c>.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="description">What went wrong.</param>
    /// <returns>The answer.</returns>
    public static IResult Error(int status, string description) =>
        Results.Json(new { errors = new[] { new { description } } }, statusCode: status);

    /// <summary>Hatchet's page arithmetic for list responses (<c>PaginationResponse</c>).</summary>
    /// <param name="count">How many rows match in all.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="offset">How many rows were skipped.</param>
    /// <returns>The pagination object.</returns>
    public static JsonObject Pagination(int count, int limit, int offset)
    {
        var pages = (long)Math.Ceiling(count / (double)limit);
        var current = 1 + (long)Math.Ceiling(offset / (double)limit);
        return new JsonObject { ["current_page"] = current, ["next_page"] = current == pages ? current : current + 1, ["num_pages"] = pages };
    }

    /// <summary>Reads <c>limit</c> and <c>offset</c> (or other names) from a query.</summary>
    /// <param name="query">The query.</param>
    /// <param name="limit">The page size; <paramref name="defaultLimit"/> when absent.</param>
    /// <param name="offset">The rows to skip; 0 when absent.</param>
    /// <param name="defaultLimit">The engine's default page size for this list.</param>
    /// <returns>A 400 answer when a value is not a number in range, else <see langword="null"/>.</returns>
    public static IResult? Paging(IQueryCollection query, out int limit, out int offset, int defaultLimit = 50)
    {
        limit = defaultLimit;
        offset = 0;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit <= 0))
        {
            return Error(400, "limit must be a positive integer");
        }

        if (query.TryGetValue("offset", out var o) && (!int.TryParse(o, NumberStyles.Integer, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            return Error(400, "offset must be a non-negative integer");
        }

        return null;
    }

    /// <summary>Reads <c>key:value</c> metadata pairs from repeated query values.</summary>
    /// <param name="values">The values.</param>
    /// <param name="pairs">The pairs.</param>
    /// <returns>A 400 answer when a value has no <c>:</c>, else <see langword="null"/>.</returns>
    public static IResult? MetadataPairs(StringValues values, out List<KeyValuePair<string, string>> pairs)
    {
        pairs = [];
        foreach (var v in values)
        {
            var at = (v ?? string.Empty).IndexOf(':', StringComparison.Ordinal);
            if (at < 0)
            {
                return Error(400, "Additional metadata filters must be in the format key:value.");
            }

            pairs.Add(new(v![..at], v[(at + 1)..]));
        }

        return null;
    }

    /// <summary>Reads an optional date-time query parameter; a present but unreadable one is a <c>400</c>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="name">The parameter.</param>
    /// <param name="at">The time, or <see langword="null"/> when absent.</param>
    /// <returns>The error to answer, or <see langword="null"/>.</returns>
    public static IResult? OptionalTime(IQueryCollection query, string name, out DateTimeOffset? at)
    {
        at = null;
        if (!query.ContainsKey(name))
        {
            return null;
        }

        if (!TryTime(query[name], out var value))
        {
            return Error(400, $"{name} must be a date-time");
        }

        at = value;
        return null;
    }

    /// <summary>Reads an RFC 3339 time from a query or body value.</summary>
    /// <param name="text">The value.</param>
    /// <param name="at">The time.</param>
    /// <returns><see langword="true"/> when it is one.</returns>
    public static bool TryTime(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);

    /// <summary>Reads a request body that must be a JSON object.</summary>
    /// <param name="http">The request.</param>
    /// <returns>The object, or the 400 answer.</returns>
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false) is JsonObject o
                ? (o, null)
                : (null, Error(400, "invalid request body: not a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, Error(400, "invalid request body: " + e.Message));
        }
    }

    /// <summary>Parses stored JSON into an object, as the engine reads payloads (<c>jsonToMap</c>): anything else becomes <c>{}</c>.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The object.</returns>
    public static JsonObject AsObject(string? json)
    {
        if (json is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The <c>V1TaskStatus</c> of a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Its name.</returns>
    public static string Status(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Completed => "COMPLETED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.Cancelled => "CANCELLED",
        _ => "QUEUED",
    };

    /// <summary>Reads a <c>V1TaskStatus</c>.</summary>
    /// <param name="text">Its name.</param>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> when it is one.</returns>
    public static bool TryStatus(string? text, out ExecutionStatus status)
    {
        (var ok, status) = text switch
        {
            "QUEUED" => (true, ExecutionStatus.Queued),
            "RUNNING" => (true, ExecutionStatus.Running),
            "COMPLETED" => (true, ExecutionStatus.Completed),
            "FAILED" => (true, ExecutionStatus.Failed),
            "CANCELLED" => (true, ExecutionStatus.Cancelled),
            _ => (false, ExecutionStatus.Queued),
        };
        return ok;
    }

    /// <summary>An <c>APIResourceMeta</c>.</summary>
    /// <param name="id">The resource id.</param>
    /// <param name="createdAt">When it was created.</param>
    /// <param name="updatedAt">When it last changed; <paramref name="createdAt"/> when <see langword="null"/>.</param>
    /// <returns>The object.</returns>
    public static JsonObject Meta(string id, DateTimeOffset createdAt, DateTimeOffset? updatedAt = null) =>
        new() { ["id"] = id, ["createdAt"] = createdAt, ["updatedAt"] = updatedAt ?? createdAt };
}
