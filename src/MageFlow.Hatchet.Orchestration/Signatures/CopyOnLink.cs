using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>
/// Copy-on-link: a flow's records share one slot bucket, so a pending signature linked into a chain, a swarm or a
/// callback list of another bucket first moves there. Step 1 (<c>move_out.lua</c>, in its bucket) checks that it is
/// still pending, in no container and not moved elsewhere, marks it and everything it references as moved and returns
/// their fields; step 2 (<c>move_in.lua</c>, in the target bucket) creates the copies under their new ids (the same
/// unique part in the target bucket, so a retried link finds them) with their references renamed. The caller's
/// <see cref="Signature"/> handle then carries the new id. Each step touches one cluster slot.
/// </summary>
internal sealed class CopyOnLink(MageFlowServices services)
{
    /// <summary>Moves every signature of <paramref name="signatures"/> that is not in <paramref name="bucket"/> into it.</summary>
    /// <exception cref="MageFlowStateException">One of them is missing, not pending, or belongs to a container.</exception>
    public async Task IntoAsync(string bucket, IEnumerable<Signature>? signatures, string what, CancellationToken cancellationToken)
    {
        var foreign = (signatures ?? []).Where(s => SignatureBucket.Of(s.Id) != bucket).ToList();
        if (foreign.Count == 0)
        {
            return;
        }

        var keys = services.Keys;
        foreach (var group in foreign.GroupBy(s => SignatureBucket.Of(s.Id), StringComparer.Ordinal))
        {
            var tops = group.GroupBy(s => s.Id, StringComparer.Ordinal).ToList();
            RedisValue[] args = [bucket, .. tops.Select(t => (RedisValue)t.Key)];
            var reply = (RedisResult[])(await services.Runner.EvalAsync(keys.BucketPrefix(group.Key), "move_out", args, cancellationToken).ConfigureAwait(false))!;
            var reader = new ResultReader(reply);
            var status = reader.String();
            if (status != "ok")
            {
                var parts = status.Split(':', 3);
                throw new MageFlowStateException(parts[0] == "missing"
                    ? $"cannot link signature {parts[1]} into {what}: it does not exist (removed or expired)"
                    : $"cannot link signature {parts[1]} into {what}: it already belongs to {parts[2]}", parts[0]);
            }

            var records = ReadRecords(ref reader);
            var renamed = records.ToDictionary(r => r.OldId, r => r.NewId, StringComparer.Ordinal);
            var moveIn = new List<RedisValue>();
            foreach (var record in records)
            {
                moveIn.Add(record.NewId);
                moveIn.Add(record.Fields.Count);
                for (var i = 0; i < record.Fields.Count; i += 2)
                {
                    moveIn.Add(record.Fields[i]);
                    moveIn.Add(Rename(record.Fields[i], record.Fields[i + 1], renamed));
                }

                foreach (var list in new[] { record.Items, record.Queue })
                {
                    moveIn.Add(list.Count);
                    moveIn.AddRange(list.Select(id => (RedisValue)renamed.GetValueOrDefault(id, id)));
                }
            }

            await services.Runner.EvalAsync(keys.BucketPrefix(bucket), "move_in", [.. moveIn], cancellationToken).ConfigureAwait(false);
            foreach (var top in tops)
            {
                foreach (var signature in top)
                {
                    signature.Id = renamed[top.Key];
                }
            }
        }
    }

    /// <summary>A field's value with the ids it references renamed (callbacks, chain steps, the container).</summary>
    private static string Rename(string field, string value, Dictionary<string, string> renamed) => field switch
    {
        Fields.SuccessCallbacks or Fields.ErrorCallbacks or Fields.Tasks =>
            string.Join(',', value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => renamed.GetValueOrDefault(id, id))),
        Fields.Parent => renamed.GetValueOrDefault(value, value),
        _ => value,
    };

    private static List<Moved> ReadRecords(ref ResultReader reader)
    {
        var records = new List<Moved>();
        while (reader.HasMore)
        {
            var oldId = reader.String();
            var newId = reader.String();
            _ = reader.String();
            var fields = ReadList(ref reader);
            records.Add(new Moved(oldId, newId, fields, ReadList(ref reader), ReadList(ref reader)));
        }

        return records;
    }

    private static List<string> ReadList(ref ResultReader reader)
    {
        var count = reader.Int();
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.String());
        }

        return list;
    }

    private sealed record Moved(string OldId, string NewId, List<string> Fields, List<string> Items, List<string> Queue);
}
