namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>How a desired label compares with a worker's label (worker value on the left).</summary>
internal enum LabelComparator
{
    /// <summary>Equal.</summary>
    Equal,

    /// <summary>Not equal; also satisfied when the values are of different kinds.</summary>
    NotEqual,

    /// <summary>Greater than.</summary>
    GreaterThan,

    /// <summary>Greater than or equal.</summary>
    GreaterThanOrEqual,

    /// <summary>Less than.</summary>
    LessThan,

    /// <summary>Less than or equal.</summary>
    LessThanOrEqual,

    /// <summary>A comparator this engine does not know; never satisfied.</summary>
    Unsupported,
}
