using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>Reads a script's array reply value by value, in the order the script documents.</summary>
internal struct ResultReader(RedisResult[] values, int start = 0)
{
    private int _at = start;

    public readonly bool HasMore => _at < values.Length;

    public readonly int Remaining => values.Length - _at;

    public string String() => (string?)values[_at++] ?? string.Empty;

    public int Int() => (int)values[_at++];
}
