using System.Globalization;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>The chaos bench's verdict: what fired, what went wrong, and the line that reports it.</summary>
internal sealed record ChaosSummary(
    int Flows,
    IReadOnlyDictionary<FaultKind, int> Faults,
    int MinimumPerKind,
    int BadInputs,
    int Lost,
    int DuplicatedCallbacks,
    int Stuck,
    int WrongResults,
    int Seed)
{
    /// <summary>Gets whether the run passed: nothing lost, duplicated, stuck or wrong, and every fault kind fired enough.</summary>
    public bool Passed => Lost == 0 && DuplicatedCallbacks == 0 && Stuck == 0 && WrongResults == 0 && Faults.Values.All(n => n >= MinimumPerKind);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"chaos: flows={Flows} worker_kills={Faults[FaultKind.WorkerKill]} redis_restarts={Faults[FaultKind.RedisRestart]} conn_kills={Faults[FaultKind.ConnKill]} stalls={Faults[FaultKind.Stall]} stream_drops={Faults[FaultKind.StreamDrop]} engine_pauses={Faults[FaultKind.EnginePause]} duplicated_events={Faults[FaultKind.DuplicatedEvents]} bad_inputs={BadInputs} lost={Lost} duplicated_callbacks={DuplicatedCallbacks} stuck={Stuck} wrong_results={WrongResults} seed={Seed}");
}
