using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// One test's client of a dev engine: declares uniquely named tasks, records callbacks into probes and starts one
/// worker. Disposing it stops the worker, then the client (then the engine, when the harness started its own).
/// </summary>
/// <example>
/// <code>
/// await using var h = fixture.Harness();
/// var task = h.Task&lt;In, Out&gt;("double", (i, _) => Task.FromResult(new Out(i.N * 2)));
/// await h.StartWorkerAsync(slots: 5);
/// </code>
/// </example>
public class HatchetHarness : IAsyncDisposable
{
    private readonly bool _ownsEngine;
    private HatchetWorker? _worker;
    private bool _disposed;

    /// <summary>Creates a harness with its own client of <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine the client talks to.</param>
    /// <param name="ownsEngine">Whether disposing the harness disposes the engine too.</param>
    /// <param name="configure">Changes the client's options before it is created.</param>
    public HatchetHarness(HatchetDevEngine engine, bool ownsEngine = false, Action<HatchetClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        _ownsEngine = ownsEngine;
        var options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
        configure?.Invoke(options);
        Client = HatchetClient.Create(options);
    }

    /// <summary>Gets the engine the client talks to.</summary>
    public HatchetDevEngine Engine { get; }

    /// <summary>Gets the harness's client.</summary>
    public HatchetClient Client { get; }

    /// <summary>Gets the worker <see cref="StartWorkerAsync"/> started.</summary>
    public HatchetWorker Worker => _worker ?? throw new InvalidOperationException("no worker was started");

    /// <summary>Starts a dev engine of its own (so no other test's runs show in its counters) with a harness on it.</summary>
    public static async Task<HatchetHarness> OnOwnEngineAsync(Action<HatchetClientOptions>? configure = null) =>
        new(await HatchetDevEngine.StartAsync(), ownsEngine: true, configure);

    /// <summary>Declares a task named <paramref name="name"/> plus a unique suffix.</summary>
    public TaskDeclaration<TIn, TOut> Task<TIn, TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null) =>
        Client.Task(Names.Unique(name), handler, options);

    /// <summary>Declares a workflow named <paramref name="name"/> plus a unique suffix.</summary>
    public WorkflowDeclaration<TIn> Workflow<TIn>(string name, WorkflowOptions? options = null) =>
        Client.Workflow<TIn>(Names.Unique(name), options);

    /// <summary>Declares a task that records its input into a new probe and returns <paramref name="result"/>.</summary>
    public (TaskDeclaration<TIn, TOut> Task, Probe<TIn> Probe) Recorder<TIn, TOut>(string name, TOut result)
    {
        var probe = new Probe<TIn>();
        return (Task(name, probe.Returning(result)), probe);
    }

    /// <summary>Declares a task that records its input into a new probe and returns <paramref name="result"/> of it.</summary>
    public (TaskDeclaration<TIn, TOut> Task, Probe<TIn> Probe) Recorder<TIn, TOut>(string name, Func<TIn, TOut> result)
    {
        var probe = new Probe<TIn>();
        return (Task(name, probe.Returning(result)), probe);
    }

    /// <summary>Starts a worker (unique name, <paramref name="slots"/> slots) serving every task declared so far.</summary>
    public async Task<HatchetWorker> StartWorkerAsync(int slots)
    {
        if (_worker is not null)
        {
            throw new InvalidOperationException("the harness already started its worker");
        }

        _worker = Client.Worker(Names.Unique("w"), slots);
        await _worker.StartAsync().WaitAsync(Timeouts.Wait);
        return _worker;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        await DisposeAttachedAsync();
        await Client.DisposeAsync();
        if (_ownsEngine)
        {
            await Engine.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes what a derived harness attached to the client, after the worker and before the client.</summary>
    protected virtual ValueTask DisposeAttachedAsync() => ValueTask.CompletedTask;
}
