namespace MageFlow.Hatchet.Tasks;

/// <summary>How a worker's label is compared with a <see cref="DesiredWorkerLabel"/> (the worker's value on the left).</summary>
public enum WorkerLabelComparator
{
    /// <summary>The values are equal (two strings or two integers).</summary>
    Equal,

    /// <summary>The values differ (two strings or two integers).</summary>
    NotEqual,

    /// <summary>The worker's integer is greater.</summary>
    GreaterThan,

    /// <summary>The worker's integer is greater or equal.</summary>
    GreaterThanOrEqual,

    /// <summary>The worker's integer is less.</summary>
    LessThan,

    /// <summary>The worker's integer is less or equal.</summary>
    LessThanOrEqual,
}
