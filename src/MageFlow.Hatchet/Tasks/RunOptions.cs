namespace MageFlow.Hatchet.Tasks;

/// <summary>Options of one trigger.</summary>
public sealed class RunOptions
{
    /// <summary>Gets the run's metadata (merged over the workflow's defaults and, for children, the parent's metadata).</summary>
    public IDictionary<string, string> AdditionalMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the run's priority (1 low … 3 high).</summary>
    public int? Priority { get; set; }

    /// <summary>Gets or sets the child key: spawning twice with the same key from one parent task returns the first child run.</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets a value indicating whether a trigger made inside a running task is a child of it.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AsChild { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a child should run on this worker (Hatchet's <c>sticky</c>).</summary>
    public bool Sticky { get; set; }

    /// <summary>Gets the worker labels this run wants, by label key (on top of the task's own).</summary>
    public IDictionary<string, DesiredWorkerLabel> DesiredWorkerLabels { get; } = new Dictionary<string, DesiredWorkerLabel>(StringComparer.Ordinal);
}
