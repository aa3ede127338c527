namespace MageFlow.Hatchet.TestUtils;

/// <summary>Records calls of a handler.</summary>
/// <typeparam name="T">What a call records (usually the handler's input).</typeparam>
public sealed class Probe<T>
{
    private readonly TaskCompletionSource<T> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<T> _calls = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    public IReadOnlyList<T> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Gets the first recorded value, waiting for it up to <see cref="Timeouts.Wait"/>.</summary>
    public Task<T> First => _first.Task.WaitAsync(Timeouts.Wait);

    public void Record(T value)
    {
        lock (_gate)
        {
            _calls.Add(value);
        }

        _first.TrySetResult(value);
    }

    /// <summary>A task handler that records its input and returns <paramref name="result"/>.</summary>
    public Func<T, TaskContext, Task<TOut>> Returning<TOut>(TOut result) => Returning(_ => result);

    /// <summary>A task handler that computes its result from the input, then records the input and returns the result.</summary>
    public Func<T, TaskContext, Task<TOut>> Returning<TOut>(Func<T, TOut> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (input, _) =>
        {
            var output = result(input);
            Record(input);
            return Task.FromResult(output);
        };
    }
}
