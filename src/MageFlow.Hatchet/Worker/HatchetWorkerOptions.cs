using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Worker;

/// <summary>Settings of a <see cref="HatchetWorker"/>.</summary>
public sealed class HatchetWorkerOptions
{
    /// <summary>Initializes a new instance of the <see cref="HatchetWorkerOptions"/> class with no name yet, for the
    /// options pattern (named options set <see cref="Name"/> afterwards).</summary>
    public HatchetWorkerOptions()
        : this(string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HatchetWorkerOptions"/> class.</summary>
    /// <param name="name">The worker's name, as shown in Hatchet.</param>
    public HatchetWorkerOptions(string name)
    {
        Name = name;
    }

    /// <summary>Gets or sets the worker's name.</summary>
    public string Name { get; set; }

    /// <summary>Gets or sets how many task runs the worker runs at once.</summary>
    /// <value>The default value is 100.</value>
    public int Slots { get; set; } = 100;

    /// <summary>Gets or sets how many durable tasks the worker runs at once, in a pool of its own (the official SDKs'
    /// <c>durableSlots</c>): a durable task waiting for its children holds a durable slot, never one its children need.</summary>
    /// <value>The default value is 1,000, as in the official SDKs.</value>
    public int DurableSlots { get; set; } = 1000;

    /// <summary>Gets the workflows to serve. When empty, the worker serves every workflow declared on its client.</summary>
    public IList<WorkflowDeclarationBase> Workflows { get; } = [];

    /// <summary>Gets the worker's labels (string or int values), for tasks that want particular workers.</summary>
    public IDictionary<string, object> Labels { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Gets or sets the heartbeat interval.</summary>
    /// <value>The default value is 4 seconds, as Hatchet expects (it drops workers silent for 5 s).</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Gets or sets how long a graceful stop waits for running tasks before cancelling them.</summary>
    /// <value>The default value is 30 seconds. <see cref="Timeout.InfiniteTimeSpan"/> waits until the token given to
    /// <see cref="HatchetWorker.StopAsync"/> is cancelled (as a host's shutdown timeout does).</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public HatchetWorkerOptions Clone()
    {
        var copy = new HatchetWorkerOptions(Name)
        {
            Slots = Slots,
            DurableSlots = DurableSlots,
            HeartbeatInterval = HeartbeatInterval,
            DrainTimeout = DrainTimeout,
        };
        foreach (var w in Workflows)
        {
            copy.Workflows.Add(w);
        }

        foreach (var (k, v) in Labels)
        {
            copy.Labels[k] = v;
        }

        return copy;
    }

    /// <summary>Lists every problem with these options at once (what <see cref="HatchetWorker"/>'s constructor would refuse).</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name must not be empty.");
        }

        if (DurableSlots < 1)
        {
            errors.Add($"DurableSlots must be at least 1 (got {DurableSlots}).");
        }

        if (Slots < 1)
        {
            errors.Add($"Slots must be at least 1 (got {Slots}).");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= TimeSpan.FromSeconds(5))
        {
            errors.Add("HeartbeatInterval must be between 0 and 5 seconds (Hatchet drops workers silent for 5 s).");
        }

        if (DrainTimeout < TimeSpan.Zero && DrainTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add("DrainTimeout must not be negative (Timeout.InfiniteTimeSpan waits for the stop's token).");
        }

        foreach (var (k, v) in Labels)
        {
            if (v is not (string or int))
            {
                errors.Add($"label '{k}' must be a string or an int.");
            }
        }

        return errors;
    }

    internal void Validate() => HatchetConfigurationException.ThrowIfAny(nameof(HatchetWorkerOptions), GetValidationErrors());
}
