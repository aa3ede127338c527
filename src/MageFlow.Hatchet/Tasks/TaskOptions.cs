namespace MageFlow.Hatchet.Tasks;

/// <summary>How the engine limits concurrent runs that share a key (Hatchet's concurrency expressions).</summary>
public enum ConcurrencyLimitStrategy
{
    /// <summary>Cancel the oldest running run of the group to make room.</summary>
    CancelInProgress = 0,

    /// <summary>Queue, and take groups in turn.</summary>
    GroupRoundRobin = 3,

    /// <summary>Cancel the new run when its group is full.</summary>
    CancelNewest = 4,
}

/// <summary>A concurrency limit: at most <paramref name="MaxRuns"/> runs per value of the CEL <paramref name="Expression"/>.</summary>
/// <param name="Expression">A CEL expression such as <c>input.user_id</c> or <c>additional_metadata.tenant</c>.</param>
/// <param name="MaxRuns">How many runs of one group may run at once.</param>
/// <param name="Strategy">What happens when the group is full.</param>
public sealed record ConcurrencyLimit(string Expression, int MaxRuns = 1, ConcurrencyLimitStrategy Strategy = ConcurrencyLimitStrategy.GroupRoundRobin);

/// <summary>A rate limit a task consumes (<see cref="Units"/> of the limit named <see cref="Key"/>, set with <c>PutRateLimit</c>).</summary>
/// <param name="Key">The rate limit's key.</param>
/// <param name="Units">Units one run consumes.</param>
public sealed record RateLimit(string Key, int Units = 1);

/// <summary>A label a worker must (or should) have to run a task.</summary>
/// <param name="Value">The value to compare with (a string or an int).</param>
/// <param name="Required">Whether a worker without a match may run it.</param>
/// <param name="Weight">How much a match counts when it is not required.</param>
public sealed record DesiredWorkerLabel(object Value, bool Required = false, int Weight = 100);

/// <summary>Options of one task. Every property has Hatchet's default.</summary>
public sealed class TaskOptions
{
    /// <summary>Gets or sets how many times a failed run is retried.</summary>
    /// <value>The default value is 0.</value>
    public int Retries { get; set; }

    /// <summary>Gets or sets the backoff factor: retry <c>n</c> waits <c>min(BackoffMaxSeconds, BackoffFactor^n)</c> seconds.</summary>
    /// <value>The default value is none: retries start at once.</value>
    public double? BackoffFactor { get; set; }

    /// <summary>Gets or sets the longest backoff, in seconds.</summary>
    public int? BackoffMaxSeconds { get; set; }

    /// <summary>Gets or sets how long one attempt may run before the engine cancels and fails it.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a run may wait for a worker.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ScheduleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the concurrency limits of the task.</summary>
    public IList<ConcurrencyLimit> Concurrency { get; } = [];

    /// <summary>Gets the rate limits the task consumes.</summary>
    public IList<RateLimit> RateLimits { get; } = [];

    /// <summary>Gets the worker labels the task wants, by label key.</summary>
    public IDictionary<string, DesiredWorkerLabel> DesiredWorkerLabels { get; } = new Dictionary<string, DesiredWorkerLabel>(StringComparer.Ordinal);

    /// <summary>Gets the event keys that trigger the task (standalone tasks only; namespaced like other SDKs do).</summary>
    public IList<string> OnEvents { get; } = [];

    /// <summary>Gets the cron expressions that trigger the task (standalone tasks only).</summary>
    public IList<string> OnCrons { get; } = [];

    /// <summary>Gets or sets the default priority of runs (1 low … 3 high).</summary>
    /// <value>The default value is none (the engine's default, 1).</value>
    public int? DefaultPriority { get; set; }

    /// <summary>Gets the metadata added to every run (standalone tasks only); per-run metadata wins.</summary>
    public IDictionary<string, string> DefaultAdditionalMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many worker slots one run takes.</summary>
    /// <value>The default value is 1.</value>
    public int SlotCost { get; set; } = 1;
}

/// <summary>Options of a multi-task workflow.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Gets the event keys that trigger the workflow.</summary>
    public IList<string> OnEvents { get; } = [];

    /// <summary>Gets the cron expressions that trigger the workflow.</summary>
    public IList<string> OnCrons { get; } = [];

    /// <summary>Gets the workflow-level concurrency limits.</summary>
    public IList<ConcurrencyLimit> Concurrency { get; } = [];

    /// <summary>Gets or sets the default priority of runs (1 low … 3 high).</summary>
    public int? DefaultPriority { get; set; }

    /// <summary>Gets the metadata added to every run; per-run metadata wins.</summary>
    public IDictionary<string, string> DefaultAdditionalMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

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
}
