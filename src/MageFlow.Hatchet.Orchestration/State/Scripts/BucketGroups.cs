namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>
/// Splits a batch that spans slot buckets into one group per bucket, in order of first appearance and keeping the
/// batch's order inside each group: a batched script (prepare_many, start_many, on_finished, mark_many) then runs once
/// per bucket, still batched within it, and every call touches one cluster slot.
/// </summary>
internal static class BucketGroups
{
    /// <summary>The groups: each bucket prefix with the positions of its items in <paramref name="items"/>.</summary>
    public static List<(string Prefix, List<int> Positions)> Of<T>(IReadOnlyList<T> items, Func<T, string> idOf, RedisKeys keys)
    {
        var groups = new List<(string Prefix, List<int> Positions)>(1);
        var byPrefix = new Dictionary<string, List<int>>(1, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = keys.PrefixOf(idOf(items[i]));
            if (!byPrefix.TryGetValue(prefix, out var positions))
            {
                positions = [];
                byPrefix[prefix] = positions;
                groups.Add((prefix, positions));
            }

            positions.Add(i);
        }

        return groups;
    }
}
