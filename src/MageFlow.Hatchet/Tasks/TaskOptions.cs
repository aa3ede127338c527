namespace MageFlow.Hatchet.Tasks;

/// <summary>Options of one task. Every property has Hatchet's default.</summary>
public sealed class TaskOptions
{
    /// <summary>Gets or sets how many times a failed run is retried.</summary>
    /// <value>The default value is 0.</value>
    public int Retries { get; set; }

    /// <summary>Gets or sets the backoff factor, 1 to 1000: application retry <c>n</c> waits
    /// <c>min(BackoffMaxSeconds, BackoffFactor^n)</c> seconds.</summary>
    /// <value>The default value is none: retries start at once.</value>
    public double? BackoffFactor { get; set; }

    /// <summary>Gets or sets the longest backoff, 1 to 86,400 seconds.</summary>
    /// <value>The default value is none: the engine caps a backoff at 86,400 s (one day).</value>
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

    /// <summary>Gets the event filters the task declares (standalone tasks only; see <see cref="DefaultEventFilter"/>).</summary>
    public IList<DefaultEventFilter> DefaultFilters { get; } = [];

    /// <summary>Gets or sets the default priority of runs (1 low … 3 high).</summary>
    /// <value>The default value is none (the engine's default, 1).</value>
    public int? DefaultPriority { get; set; }

    /// <summary>Gets or sets the sticky strategy: whether the task's runs go to the worker they name (a child
    /// triggered with <see cref="RunOptions.Sticky"/>). <see langword="null"/> (the default) ignores the name.</summary>
    public StickyStrategy? Sticky { get; set; }

    /// <summary>Gets the metadata added to every run (standalone tasks only); per-run metadata wins.</summary>
    public IDictionary<string, string> DefaultAdditionalMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the conditions a DAG task waits for once its parents completed before it is queued; all must hold
    /// (use <see cref="Conditions.Condition.Or"/> for alternatives).</summary>
    public IList<Conditions.Condition> WaitFor { get; } = [];

    /// <summary>Gets the conditions that skip the task: it completes with <c>{"skipped": true}</c> and its children run.</summary>
    public IList<Conditions.Condition> SkipIf { get; } = [];

    /// <summary>Gets the conditions that cancel the task (and the tasks after it) before it runs.</summary>
    public IList<Conditions.Condition> CancelIf { get; } = [];

    /// <summary>Gets or sets how many worker slots one run takes (durable tasks always take one durable slot).</summary>
    /// <value>The default value is 1.</value>
    public int SlotCost { get; set; } = 1;
}
