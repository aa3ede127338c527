using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Worker;

/// <summary>What a running task asks of the engine through its context: logs, stream chunks, timeout refreshes, slot release.</summary>
internal sealed class TaskRunServices(EngineConnection engine, WorkerSession session, HatchetClientOptions options) : ITaskRunServices, IAsyncDisposable
{
    private readonly Lazy<DurableEventListener> _durable = new(() => new DurableEventListener(engine, options.TimeProvider));
    private readonly Lazy<DurableLogStream> _log = new(() => new DurableLogStream(engine, session, options.TimeProvider));

    public DurableLogStream DurableLog => _log.Value;

    public TimeProvider Time => options.TimeProvider;

    public string WorkerId => session.WorkerId ?? string.Empty;

    public JsonSerializerOptions Json => options.JsonSerializerOptions;

    public async Task LogAsync(TaskContext context, string message, string level, CancellationToken cancellationToken)
    {
        var request = new PutLogRequest
        {
            TaskRunExternalId = context.TaskRunExternalId,
            CreatedAt = Timestamp.FromDateTimeOffset(options.TimeProvider.GetUtcNow()),
            Message = message,
            Level = level,
            Metadata = string.Empty,
            TaskRetryCount = context.RetryCount,
        };
        await engine.CallAsync("PutLog", ct => engine.Events.PutLogAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task PutStreamAsync(TaskContext context, ReadOnlyMemory<byte> chunk, long index, CancellationToken cancellationToken)
    {
        var request = new PutStreamEventRequest
        {
            TaskRunExternalId = context.TaskRunExternalId,
            CreatedAt = Timestamp.FromDateTimeOffset(options.TimeProvider.GetUtcNow()),
            Message = Google.Protobuf.ByteString.CopyFrom(chunk.Span),
            Metadata = string.Empty,
            EventIndex = index,
        };
        await engine.CallAsync("PutStreamEvent", ct => engine.Events.PutStreamEventAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset> RefreshTimeoutAsync(TaskContext context, TimeSpan by, CancellationToken cancellationToken)
    {
        var request = new RefreshTimeoutRequest { TaskRunExternalId = context.TaskRunExternalId, IncrementTimeoutBy = Durations.Format(by) };
        var response = await engine.CallAsync("RefreshTimeout", ct => engine.Dispatcher.RefreshTimeoutAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.TimeoutAt.ToDateTimeOffset();
    }

    public async Task ReleaseSlotAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = new ReleaseSlotRequest { TaskRunExternalId = context.TaskRunExternalId };
        await engine.CallAsync("ReleaseSlot", ct => engine.Dispatcher.ReleaseSlotAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> WaitDurableAsync(TaskContext context, string signalKey, Protocol.V1.DurableEventListenerConditions conditions, CancellationToken cancellationToken)
    {
        var request = new Protocol.V1.RegisterDurableEventRequest { TaskId = context.TaskRunExternalId, SignalKey = signalKey, Conditions = conditions };
        await engine.CallAsync("RegisterDurableEvent", ct => engine.Durable.RegisterDurableEventAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return await _durable.Value.WaitAsync(context.TaskRunExternalId, signalKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UsesDurableEventLogAsync(CancellationToken cancellationToken) =>
        (await engine.GetFeaturesAsync(cancellationToken).ConfigureAwait(false)).DurableEventLog;

    public async ValueTask DisposeAsync()
    {
        if (_log.IsValueCreated)
        {
            await _log.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (_durable.IsValueCreated)
        {
            await _durable.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
