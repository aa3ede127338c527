using System.Globalization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>A new swarm: its signature fields, its limits, and its counters at zero.</summary>
/// <param name="Signature">The signature fields.</param>
/// <param name="Config">The limits.</param>
/// <param name="Started">Whether it starts at once (a root task's swarm) rather than on <c>RunNoWaitAsync</c>.</param>
/// <param name="DefaultStopMode">The stop mode when the config names none.</param>
internal sealed record SwarmRecord(SignatureRecord Signature, SwarmConfig Config, bool Started = false, SwarmStopMode DefaultStopMode = SwarmStopMode.Immediate)
{
    public List<RedisValue> ToFields()
    {
        var fields = Signature.ToFields();
        fields.AddRange([
            Fields.StopMode, (Config.StopMode ?? DefaultStopMode) switch
            {
                SwarmStopMode.WaitForRunning => "drain",
                SwarmStopMode.CancelRunning => "cancel",
                _ => string.Empty,
            },
            Fields.MaxConcurrency, Number(Config.MaxConcurrency),
            Fields.StopAfterNFailures, Number(Config.StopAfterNFailures ?? 0),
            Fields.MaxTasks, Number(Config.MaxTasks ?? 0),
            Fields.Closed, "0", Fields.Started, Started ? "1" : "0",
            Fields.Running, "0", Fields.Total, "0", Fields.Succeeded, "0", Fields.Failed, "0", Fields.Canceled, "0",
        ]);
        if (Started)
        {
            fields.AddRange([Fields.Message, "{}"]);
        }

        return fields;
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
