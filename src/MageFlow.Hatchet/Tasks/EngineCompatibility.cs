using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>Refuses, before <c>PutWorkflow</c>, options the connected engine is too old to honour: it would drop them
/// silently (unknown protocol fields), and the workflow would run without the limits it declares.</summary>
internal static class EngineCompatibility
{
    /// <exception cref="HatchetConfigurationException">The workflow uses an option the engine does not know.</exception>
    public static void Check(WorkflowDeclarationBase workflow, EngineFeatures engine, string hostPort)
    {
        if (engine.NewerConcurrencyOptions)
        {
            return;
        }

        var uses = workflow.WorkflowConcurrency.Select(c => ("the workflow", c))
            .Concat(workflow.TaskDefinitions.SelectMany(t => t.Options.Concurrency.Select(c => ($"task '{t.Name}'", c))))
            .SelectMany(x => x.c.UsesNewerEngineFields.Select(f => $"{x.Item1}: concurrency {f}"))
            .ToList();
        if (uses.Count > 0)
        {
            throw new HatchetConfigurationException(
                $"workflow '{workflow.WorkflowName}' uses options that need a Hatchet engine newer than v{EngineFeatures.Baseline}, " +
                $"but the engine at {hostPort} reports '{engine.Reported}' and would ignore them: {string.Join("; ", uses)}");
        }
    }
}
