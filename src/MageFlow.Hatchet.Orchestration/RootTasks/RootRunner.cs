using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Orchestration.Diagnostics;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.Tracking;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>
/// Runs a root task's body: creates its swarm (once per task run: a retry finds the same swarm and re-adds the same
/// children), captures what the body publishes, then closes the swarm when the body returns or stops it when the body
/// fails for good.
/// </summary>
internal sealed class RootRunner(MageFlowServices services, SignatureFactory signatures, RunFollower follower)
{
    public async Task<string> RunAsync(TaskContext context, string? signatureId, RootTaskOptions root, Func<Task<string>> body)
    {
        // The root's flow lives in its signature's bucket (a plain run's: one derived from its run), with its swarm.
        var bucket = signatureId is not null ? SignatureBucket.Of(signatureId) : services.Buckets.OfRun(context);
        var swarmId = SignatureIds.Derived(context.TaskRunExternalId + "#root-swarm", bucket);
        var swarmName = "root-swarm:" + context.Workflow.Name;

        // Current for the whole body: every signature made here (children, callbacks) keeps this span's context, so
        // their runs descend from it however late and wherever they start.
        using var span = MageFlowTelemetry.Source.StartActivity(MageFlowTelemetry.RootSpan);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("mageflow.swarm_id", swarmId);
            span.SetTag("hatchet.workflow_run_id", context.WorkflowRunId);
            span.SetTag("hatchet.step_run_id", context.TaskRunExternalId);
        }

        // Registration-time callbacks are signed by every run (ids derived from the run, so a retry signs the same ones);
        // root_begin puts them after the callbacks the root's signature was given.
        var success = await SignAllAsync(root.SuccessCallbacks).ConfigureAwait(false);
        var error = await SignAllAsync(root.ErrorCallbacks).ConfigureAwait(false);
        var swarm = new SwarmRecord(
            new SignatureRecord(SignatureKind.Swarm, swarmName, services.Options.TtlFor(SignatureKind.Swarm))
            {
                Status = SignatureStatus.Active,
                SuccessCallbacks = success,
                ErrorCallbacks = error,
            },
            root.Config,
            Started: true,
            DefaultStopMode: SwarmStopMode.WaitForRunning);
        // A plain run of a root task (not a signature's) that is the whole run gets a signature of its own, followed
        // through the engine's events: only the engine knows when it failed for good (the last retry, a timeout, a
        // lost worker), and that failure then stops the root swarm as a signature's would. A retry finds it again.
        (SignatureRecord, string, string)? plain = null;
        if (signatureId is null && context.IsWholeRun)
        {
            signatureId = SignatureIds.Derived(context.TaskRunExternalId + "#root", bucket);
            plain = (new SignatureRecord(SignatureKind.Task, context.Workflow.Name, services.Options.TtlFor(SignatureKind.Task)) { Status = SignatureStatus.Active }, context.WorkflowRunId, context.Input.GetRawText());
        }

        await services.Scripts.RootBegin.RunAsync(swarmId, signatureId, swarm, plain, CancellationToken.None).ConfigureAwait(false);
        if (plain is not null)
        {
            await follower.TrackAsync([new PublishedRun(signatureId!, context.WorkflowRunId, "{}", ReportedByWorker: false)], waitForWorkers: false, CancellationToken.None).ConfigureAwait(false);
        }

        string output;
        var scope = new RootScope(services, swarmId, swarmName, context);
        using (MageFlowScope.Enter(scope))
        {
            try
            {
                output = await body().ConfigureAwait(false);
                await scope.Buffer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                HatchetInstrumentation.MarkFailed(span, e);

                // Children published before the failure join the swarm first, whether or not the engine retries the
                // body: a retry re-adds the same children (a no-op), and a final failure finds them there (queued ones
                // are then canceled, running ones finish). Left in the buffer, they would join only after the stop.
                await scope.Buffer.FlushAsync(CancellationToken.None, throwOnError: false).ConfigureAwait(false);
                if (context.FailsForGood(e))
                {
                    await EndAsync(swarmId, returned: false, e.GetType().Name + ": " + e.Message).ConfigureAwait(false);
                }

                throw;
            }
        }

        await EndAsync(swarmId, returned: true, string.Empty).ConfigureAwait(false);
        return output;
    }

    private async Task<string[]> SignAllAsync(IReadOnlyList<WorkflowDeclarationBase> tasks)
    {
        var ids = new string[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            ids[i] = (await signatures.CreateTaskAsync(task.WorkflowName, services.ReturnFieldOf(task.InputType), null, null, null, CancellationToken.None).ConfigureAwait(false)).Id;
        }

        return ids;
    }

    private async Task EndAsync(string swarmId, bool returned, string error)
    {
        var reply = await services.Scripts.RootEnd.RunAsync(swarmId, returned, error, CancellationToken.None).ConfigureAwait(false);
        await services.ApplyAsync(reply, CancellationToken.None).ConfigureAwait(false);
    }
}
