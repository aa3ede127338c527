using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// A minimal worker written straight against the protocol, so engine tests do not depend on any SDK.
/// It registers, listens, heartbeats every second (unless told not to: tests on a <see cref="ManualClock"/> beat by
/// hand with <see cref="HeartbeatAsync"/>) and hands each assigned action to the test.
/// </summary>
internal sealed class RawWorker : IAsyncDisposable
{
    private readonly IEngineWire _fixture;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeats;
    private Task _listen;

    private RawWorker(IEngineWire fixture, string workerId, bool autoHeartbeat)
    {
        _fixture = fixture;
        WorkerId = workerId;
        _listen = ListenAsync();
        _heartbeats = autoHeartbeat ? HeartbeatLoopAsync() : Task.CompletedTask;
    }

    public string WorkerId { get; }

    public Channel<AssignedAction> Actions { get; } = Channel.CreateUnbounded<AssignedAction>();

    public ConcurrentQueue<AssignedAction> Cancels { get; } = new();

    public bool SendHeartbeats { get; set; } = true;

    public static async Task<RawWorker> StartAsync(IEngineWire fixture, string name, IEnumerable<string> actions, int slots = 10, bool autoHeartbeat = true, IReadOnlyDictionary<string, WorkerLabels>? labels = null)
    {
        var request = new WorkerRegisterRequest { WorkerName = name };
        if (labels is not null)
        {
            foreach (var (key, value) in labels)
            {
                request.Labels[key] = value;
            }
        }

        request.Actions.AddRange(actions);
        request.Services.Add("default");
        request.SlotConfig["default"] = slots;
        var response = await fixture.Dispatcher.RegisterAsync(request, fixture.Auth);
        return new RawWorker(fixture, response.WorkerId, autoHeartbeat);
    }

    public async Task<AssignedAction> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await Actions.Reader.ReadAsync(cts.Token);
    }

    public Task CompleteAsync(AssignedAction action, string output) => SendAsync(action, StepActionEventType.StepEventTypeCompleted, output);

    public Task FailAsync(AssignedAction action, string error, bool shouldNotRetry = false) =>
        SendAsync(action, StepActionEventType.StepEventTypeFailed, error, shouldNotRetry);

    public async Task SendAsync(AssignedAction action, StepActionEventType type, string payload, bool shouldNotRetry = false)
    {
        var e = new StepActionEvent
        {
            WorkerId = WorkerId,
            JobId = action.JobId,
            JobRunId = action.JobRunId,
            TaskId = action.TaskId,
            TaskRunExternalId = action.TaskRunExternalId,
            ActionId = action.ActionId,
            EventTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            EventType = type,
            EventPayload = payload,
            RetryCount = action.RetryCount,
        };
        if (shouldNotRetry)
        {
            e.ShouldNotRetry = true;
        }

        await _fixture.Dispatcher.SendStepActionEventAsync(e, _fixture.Auth);
    }

    /// <summary>
    /// Sends one heartbeat, first waiting for the listen stream to be open (the engine refuses heartbeats before it
    /// with <c>FAILED_PRECONDITION</c>). Tests on a <see cref="ManualClock"/> call it after advancing the clock.
    /// </summary>
    public async Task HeartbeatAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await _fixture.Dispatcher.HeartbeatAsync(new HeartbeatRequest { WorkerId = WorkerId }, _fixture.Auth, cancellationToken: cts.Token);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                await Task.Delay(10, cts.Token);
            }
        }
    }

    /// <summary>Re-opens the listen stream after the engine dropped it.</summary>
    public void Relisten() => _listen = ListenAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listen.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ListenAsync()
    {
        using var call = _fixture.Dispatcher.ListenV2(new WorkerListenRequest { WorkerId = WorkerId }, _fixture.Auth, cancellationToken: _stop.Token);
        try
        {
            await foreach (var action in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                if (action.ActionType == ActionType.CancelStepRun)
                {
                    Cancels.Enqueue(action);
                }
                else
                {
                    Actions.Writer.TryWrite(action);
                }
            }
        }
        catch (RpcException) when (_stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (SendHeartbeats)
                {
                    try
                    {
                        await _fixture.Dispatcher.HeartbeatAsync(new HeartbeatRequest { WorkerId = WorkerId }, _fixture.Auth, cancellationToken: _stop.Token);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                    {
                        // Listen stream not (yet) open.
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException) when (_stop.IsCancellationRequested)
        {
        }
    }
}

internal static class Workflows
{
    public static CreateTaskOpts TaskOpts(string readableId, string action, params string[] parents)
    {
        var t = new CreateTaskOpts { ReadableId = readableId, Action = action, Timeout = "60s" };
        t.Parents.AddRange(parents);
        return t;
    }

    public static CreateWorkflowVersionRequest Define(string name, params CreateTaskOpts[] tasks)
    {
        var r = new CreateWorkflowVersionRequest { Name = name };
        r.Tasks.AddRange(tasks);
        return r;
    }
}
