using System.Globalization;
using System.Runtime.InteropServices;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>Registers a worker's workflows (<c>v1.AdminService/PutWorkflow</c>) and the worker itself (<c>Register</c>).</summary>
internal sealed class WorkerRegistration(EngineConnection engine, HatchetWorkerOptions options, IReadOnlyList<WorkflowDeclarationBase> workflows, IReadOnlyCollection<string> actions, WorkerSession session, ILogger log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Registers everything; with <paramref name="staleWorkerId"/>, only if nobody has registered again since that id was lost.</summary>
    public async Task RegisterAsync(string? staleWorkerId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (staleWorkerId is not null && session.WorkerId != staleWorkerId)
            {
                return;
            }

            var features = await engine.GetFeaturesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var wf in workflows)
            {
                EngineCompatibility.Check(wf, features, engine.HostPort);
                var proto = wf.ToProto();
                await engine.CallAsync($"registering workflow '{wf.WorkflowName}'", ct => engine.Admin.PutWorkflowAsync(proto, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            }

            var request = BuildRequest();
            var response = await engine.CallAsync("registering the worker", ct => engine.Dispatcher.RegisterAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            session.WorkerId = response.WorkerId;
            HatchetLog.WorkerRegistered(log, options.Name, response.WorkerId, actions.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private WorkerRegisterRequest BuildRequest()
    {
        var request = new WorkerRegisterRequest
        {
            WorkerName = options.Name,
            RuntimeInfo = new RuntimeInfo
            {
                SdkVersion = typeof(HatchetWorker).Assembly.GetName().Version?.ToString() ?? "0.0.0",
                Language = SDKS.Unknown,
                LanguageVersion = RuntimeInformation.FrameworkDescription,
                Os = RuntimeInformation.OSDescription,
                Extra = "dotnet; MageFlow.Hatchet",
            },
        };
        request.Actions.AddRange(actions);
        request.Services.Add("default");
        request.SlotConfig["default"] = options.Slots;
        if (workflows.Any(w => w.TaskDefinitions.Any(t => t.IsDurable)))
        {
            request.SlotConfig["durable"] = options.DurableSlots;
        }
        foreach (var (k, v) in options.Labels)
        {
            request.Labels[k] = v is int i ? new WorkerLabels { IntValue = i } : new WorkerLabels { StrValue = Convert.ToString(v, CultureInfo.InvariantCulture) };
        }

        return request;
    }
}
