namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>How a desired label compares with a worker's label (worker value on the left).</summary>
internal enum LabelComparator
{
    /// <summary>Equal.</summary>
    Equal,

    /// <summary>Not equal (both values of one kind and different).</summary>
    NotEqual,

    /// <summary>Greater than (integers only, as every ordering comparator).</summary>
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
