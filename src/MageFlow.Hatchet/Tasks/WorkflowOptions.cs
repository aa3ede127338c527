namespace MageFlow.Hatchet.Tasks;

/// <summary>Options of a multi-task workflow.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Gets the event keys that trigger the workflow.</summary>
    public IList<string> OnEvents { get; } = [];

    /// <summary>Gets the cron expressions that trigger the workflow.</summary>
    public IList<string> OnCrons { get; } = [];

    /// <summary>Gets the event filters the workflow declares (see <see cref="DefaultEventFilter"/>).</summary>
    public IList<DefaultEventFilter> DefaultFilters { get; } = [];

    /// <summary>Gets the workflow-level concurrency limits.</summary>
    public IList<ConcurrencyLimit> Concurrency { get; } = [];

    /// <summary>Gets or sets the default priority of runs (1 low … 3 high).</summary>
    public int? DefaultPriority { get; set; }

    /// <summary>Gets or sets the sticky strategy: whether the workflow's runs go to the worker they name (a child
    /// triggered with <see cref="RunOptions.Sticky"/>, or a DAG task after its parent). <see langword="null"/> (the default) ignores the name.</summary>
    public StickyStrategy? Sticky { get; set; }

    /// <summary>Gets the metadata added to every run; per-run metadata wins.</summary>
    public IDictionary<string, string> DefaultAdditionalMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
