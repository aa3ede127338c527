using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// A minimal worker written straight against the protocol, so engine tests do not depend on any SDK.
/// It registers, listens, heartbeats every second and hands each assigned action to the test.
/// </summary>
internal sealed class RawWorker : IAsyncDisposable
{
    private readonly EngineFixture _fixture;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeats;
    private Task _listen;

    private RawWorker(EngineFixture fixture, string workerId)
    {
        _fixture = fixture;
        WorkerId = workerId;
        _listen = ListenAsync();
        _heartbeats = HeartbeatAsync();
    }

    public string WorkerId { get; }

    public Channel<AssignedAction> Actions { get; } = Channel.CreateUnbounded<AssignedAction>();

    public ConcurrentQueue<AssignedAction> Cancels { get; } = new();

    public bool SendHeartbeats { get; set; } = true;

    public static async Task<RawWorker> StartAsync(EngineFixture fixture, string name, IEnumerable<string> actions, int slots = 10)
    {
        var request = new WorkerRegisterRequest { WorkerName = name };
        request.Actions.AddRange(actions);
        request.Services.Add("default");
        request.SlotConfig["default"] = slots;
        var response = await fixture.Dispatcher.RegisterAsync(request, fixture.Auth);
        return new RawWorker(fixture, response.WorkerId);
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

    private async Task HeartbeatAsync()
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
