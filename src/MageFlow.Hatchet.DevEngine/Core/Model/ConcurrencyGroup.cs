namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>The holders and waiters of one key of a concurrency rule (for example all runs with <c>input.user == "u1"</c>).</summary>
internal sealed class ConcurrencyGroup(ConcurrencyRule rule, string key)
{
    /// <summary>Gets the rule this group belongs to.</summary>
    public ConcurrencyRule Rule { get; } = rule;

    /// <summary>Gets the group key.</summary>
    public string Key { get; } = key;

    /// <summary>Gets the holders of a slot, oldest first.</summary>
    public LinkedList<ConcurrencyHolder> Holders { get; } = new();

    /// <summary>Gets the holders waiting for a slot, by priority (higher first), then first come first served.</summary>
    public LinkedList<ConcurrencyHolder> Waiting { get; } = new();

    /// <summary>Gets a value indicating whether every slot is taken.</summary>
    public bool IsFull => Holders.Count >= Rule.MaxRuns;
}
