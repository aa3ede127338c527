namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// Keys of the side-effect ledger, on the bench's second redis-server (never faulted): which engine runs executed
/// each flow's callback, and what the callback received.
/// </summary>
internal static class ChaosLedger
{
    public const string ResultsKey = "chaos:results";

    public static string CallbackRunsKey(string flow) => "chaos:cb:" + flow;
}
