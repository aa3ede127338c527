namespace MageFlow.Hatchet.Tasks;

/// <summary>A rate limit a task consumes (<see cref="Units"/> of the limit named <see cref="Key"/>, set with <c>PutRateLimit</c>).</summary>
/// <param name="Key">The rate limit's key.</param>
/// <param name="Units">Units one run consumes.</param>
public sealed record RateLimit(string Key, int Units = 1);
