using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>The calls most tests make: register, trigger, read details, wait for the end, read the finished event.</summary>
internal static class EngineWireExtensions
{
    public static async Task PutAsync(this IEngineWire wire, CreateWorkflowVersionRequest workflow) =>
        await wire.Admin.PutWorkflowAsync(workflow, wire.Auth);

    public static async Task<string> TriggerAsync(this IEngineWire wire, string name, string input = "{}", string? metadata = null, int? priority = null)
    {
        var request = new TriggerWorkflowRequest { Name = name, Input = input };
        if (metadata is not null)
        {
            request.AdditionalMetadata = metadata;
        }

        if (priority is { } p)
        {
            request.Priority = p;
        }

        return (await wire.Workflows.TriggerWorkflowAsync(request, wire.Auth)).WorkflowRunId;
    }

    public static async Task<GetRunDetailsResponse> DetailsAsync(this IEngineWire wire, string runOrTaskId) =>
        await wire.Admin.GetRunDetailsAsync(new GetRunDetailsRequest { ExternalId = runOrTaskId }, wire.Auth);

    /// <summary>Polls <c>GetRunDetails</c> until the run is done.</summary>
    public static async Task<GetRunDetailsResponse> WaitDoneAsync(this IEngineWire wire, string runId)
    {
        GetRunDetailsResponse? details = null;
        await Poll.UntilAsync(async () => (details = await wire.DetailsAsync(runId)).Done, $"run {runId} to finish");
        return details!;
    }

    /// <summary>Subscribes to one run and returns its <c>FINISHED</c> event.</summary>
    public static async Task<WorkflowRunEvent> FinishedEventAsync(this IEngineWire wire, string runId)
    {
        using var cts = new CancellationTokenSource(Wait);
        using var call = wire.Dispatcher.SubscribeToWorkflowRuns(wire.Auth, cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = runId }, cts.Token);
        await call.RequestStream.CompleteAsync();
        await foreach (var e in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            return e;
        }

        throw new InvalidOperationException($"the engine ended the subscription to run {runId} without an event");
    }
}

/// <summary>Waits for a condition by polling it, never for a fixed time.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), what);
}
