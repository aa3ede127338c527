using MageFlow.Hatchet.DevEngine.Core.Filters;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Event filters created, read, changed and deleted over REST (Hatchet's <c>/api/v1/stable/tenants/{tenant}/filters</c>).
/// They apply to the next event pushed, as Hatchet reads filters for each push. Expressions are checked before the lock.
/// </summary>
internal sealed class FilterOperations(Lock gate, FilterStore filters, TimeProvider time)
{
    /// <summary>Creates a filter.</summary>
    /// <param name="workflowId">The workflow it filters (Hatchet does not check that it exists).</param>
    /// <param name="scope">The scope of the events it applies to.</param>
    /// <param name="expression">The expression, in a form <see cref="FilterExpression"/> evaluates.</param>
    /// <param name="payloadJson">The payload JSON object.</param>
    /// <returns>A copy of the created filter.</returns>
    public StoredFilter Create(string workflowId, string scope, string expression, string payloadJson)
    {
        var parsed = FilterExpression.Parse(expression, "filter expression");
        lock (gate)
        {
            // Hatchet's unique index on (workflow, scope, expression, payload) makes a second such filter fail.
            if (filters.All.Any(f => f.WorkflowId == workflowId && f.Scope == scope && f.Expression.Text == expression && f.PayloadJson == payloadJson))
            {
                throw EngineErrors.Invalid("a filter with this workflow, scope, expression and payload already exists");
            }

            var now = time.GetUtcNow();
            var filter = new StoredFilter
            {
                Id = Guid.NewGuid().ToString(),
                WorkflowId = workflowId,
                Scope = scope,
                Expression = parsed,
                PayloadJson = payloadJson,
                CreatedAt = now,
                UpdatedAt = now,
            };
            filters.Add(filter);
            return Copy(filter);
        }
    }

    /// <summary>Gets a filter.</summary>
    /// <param name="id">The filter's id.</param>
    /// <returns>A copy, or <see langword="null"/> when there is none.</returns>
    public StoredFilter? Get(string id)
    {
        lock (gate)
        {
            return filters.Find(id) is { } f ? Copy(f) : null;
        }
    }

    /// <summary>Lists filters, newest first.</summary>
    /// <param name="workflowIds">Workflows to keep; empty for all.</param>
    /// <param name="scopes">Scopes to keep; empty for all.</param>
    /// <returns>Copies of the filters.</returns>
    public List<StoredFilter> List(IReadOnlySet<string> workflowIds, IReadOnlySet<string> scopes)
    {
        lock (gate)
        {
            return [.. filters.All.Reverse()
                .Where(f => (workflowIds.Count == 0 || workflowIds.Contains(f.WorkflowId)) && (scopes.Count == 0 || scopes.Contains(f.Scope)))
                .Select(Copy)];
        }
    }

    /// <summary>Changes what a filter's request sets, leaving the rest (Hatchet's <c>COALESCE</c> update).</summary>
    /// <param name="id">The filter's id.</param>
    /// <param name="scope">The new scope, if any.</param>
    /// <param name="expression">The new expression, if any.</param>
    /// <param name="payloadJson">The new payload JSON object, if any.</param>
    /// <returns>A copy of the changed filter, or <see langword="null"/> when there is none.</returns>
    public StoredFilter? Update(string id, string? scope, string? expression, string? payloadJson)
    {
        var parsed = expression is null ? null : FilterExpression.Parse(expression, "filter expression");
        lock (gate)
        {
            if (filters.Find(id) is not { } f)
            {
                return null;
            }

            f.Scope = scope ?? f.Scope;
            f.Expression = parsed ?? f.Expression;
            f.PayloadJson = payloadJson ?? f.PayloadJson;
            f.UpdatedAt = time.GetUtcNow();
            return Copy(f);
        }
    }

    /// <summary>Deletes a filter.</summary>
    /// <param name="id">The filter's id.</param>
    /// <returns>A copy of the deleted filter, or <see langword="null"/> when there was none.</returns>
    public StoredFilter? Delete(string id)
    {
        lock (gate)
        {
            if (filters.Find(id) is not { } f)
            {
                return null;
            }

            filters.Remove(f);
            return Copy(f);
        }
    }

    // Answers are built outside the lock, so they get copies a later update cannot change under them.
    private static StoredFilter Copy(StoredFilter f) => new()
    {
        Id = f.Id,
        WorkflowId = f.WorkflowId,
        Scope = f.Scope,
        Expression = f.Expression,
        PayloadJson = f.PayloadJson,
        IsDeclarative = f.IsDeclarative,
        CreatedAt = f.CreatedAt,
        UpdatedAt = f.UpdatedAt,
    };
}
