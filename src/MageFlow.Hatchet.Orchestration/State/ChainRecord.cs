using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>A new chain: its signature fields, its steps in order, and the index of the step that runs.</summary>
internal sealed record ChainRecord(SignatureRecord Signature, IReadOnlyList<string> Steps)
{
    public List<RedisValue> ToFields()
    {
        var fields = Signature.ToFields();
        fields.AddRange([Fields.Tasks, string.Join(",", Steps), Fields.Index, "0"]);
        return fields;
    }
}
