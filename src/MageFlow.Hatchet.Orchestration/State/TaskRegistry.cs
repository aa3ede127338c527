using MageFlow.Hatchet.Tasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>The tasks that can be signed by name from any process: those MageFlow workers serve, and those recorded as
/// served by workers of other languages (Python MageFlow keeps the same registry).</summary>
internal sealed class TaskRegistry(ScriptRunner runner, RedisKeys keys)
{
    public Task RecordAsync(IEnumerable<string> workflowNames, string language, CancellationToken cancellationToken)
    {
        var entries = workflowNames.Select(n => new HashEntry(n, language)).ToArray();
        return entries.Length == 0
            ? Task.CompletedTask
            : runner.DoAsync(async db => { await db.HashSetAsync(keys.Registry, entries).ConfigureAwait(false); return true; }, cancellationToken);
    }

    public Task RecordAsync(IEnumerable<WorkflowDeclarationBase> workflows, CancellationToken cancellationToken) =>
        RecordAsync(workflows.Select(w => w.WorkflowName), "dotnet", cancellationToken);

    public Task<bool> ContainsAsync(string workflowName, CancellationToken cancellationToken) =>
        runner.DoAsync(db => db.HashExistsAsync(keys.Registry, workflowName), cancellationToken);
}
