using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Client;

/// <summary>The workflows declared on one client, in declaration order and indexed by engine name.</summary>
internal sealed class WorkflowRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkflowDeclarationBase> _byName = new(StringComparer.Ordinal);
    private WorkflowDeclarationBase[] _all = [];

    public IReadOnlyList<WorkflowDeclarationBase> All => Volatile.Read(ref _all);

    public T Add<T>(T workflow)
        where T : WorkflowDeclarationBase
    {
        lock (_gate)
        {
            if (!_byName.TryAdd(workflow.WorkflowName, workflow))
            {
                throw new InvalidWorkflowException($"a workflow or task named '{workflow.WorkflowName}' is already declared on this client");
            }

            _all = [.. _all, workflow];
        }

        return workflow;
    }

    public WorkflowDeclarationBase? Find(string workflowName)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(workflowName);
        }
    }

    /// <summary>The task whose output is a run's output, for a one-task workflow declared here.</summary>
    public string? OutputTaskOf(string workflowName) => Find(workflowName)?.OutputTaskName;
}
