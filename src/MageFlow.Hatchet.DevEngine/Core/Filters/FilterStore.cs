using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Filters;

/// <summary>
/// Every workflow's event filters, declared and created over REST, in creation order. A push reads them by workflow and
/// scope (Hatchet's <c>ListFiltersForEventTriggers</c>); a workflow with any filter at all runs only for events whose
/// scope has one (<c>makeTriggerDecisions</c>). Not thread-safe: used under the engine lock.
/// </summary>
internal sealed class FilterStore
{
    private readonly List<StoredFilter> _filters = [];

    /// <summary>Gets every filter, oldest first.</summary>
    public IReadOnlyList<StoredFilter> All => _filters;

    /// <summary>Finds a filter.</summary>
    /// <param name="id">The filter's id.</param>
    /// <returns>The filter, or <see langword="null"/>.</returns>
    public StoredFilter? Find(string id) => _filters.Find(f => f.Id == id);

    /// <summary>Adds a filter.</summary>
    /// <param name="filter">The filter.</param>
    public void Add(StoredFilter filter) => _filters.Add(filter);

    /// <summary>Removes a filter.</summary>
    /// <param name="filter">The filter.</param>
    public void Remove(StoredFilter filter) => _filters.Remove(filter);

    /// <summary>
    /// Replaces a workflow's declared filters with those of its new version. A version that declares none leaves the
    /// previous ones in place, as Hatchet's <c>PutWorkflowVersion</c> only overwrites when the new version has some.
    /// </summary>
    /// <param name="def">The registered version.</param>
    /// <param name="now">The current time.</param>
    public void ReplaceDeclared(WorkflowDef def, DateTimeOffset now)
    {
        if (def.Filters.Count == 0)
        {
            return;
        }

        _filters.RemoveAll(f => f.IsDeclarative && f.WorkflowId == def.WorkflowId);
        foreach (var f in def.Filters)
        {
            _filters.Add(new StoredFilter
            {
                Id = Guid.NewGuid().ToString(),
                WorkflowId = def.WorkflowId,
                Scope = f.Scope,
                Expression = f.Expression,
                PayloadJson = f.PayloadJson,
                IsDeclarative = true,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
    }

    /// <summary>Whether a workflow has any filter, whatever its scope.</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <returns><see langword="true"/> when it has one.</returns>
    public bool HasAny(string workflowId) => _filters.Exists(f => f.WorkflowId == workflowId);

    /// <summary>The filters of a workflow for a scope, oldest first.</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="scope">The event's scope.</param>
    /// <returns>The filters.</returns>
    public IEnumerable<StoredFilter> For(string workflowId, string scope) =>
        _filters.Where(f => f.WorkflowId == workflowId && f.Scope == scope);
}
