using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Extensions.Hosting;

/// <summary>A task handler from dependency injection whose runs return nothing (they report an empty object); otherwise as
/// <see cref="IHatchetTask{TInput, TOutput}"/>.</summary>
/// <typeparam name="TInput">The run's input.</typeparam>
public interface IHatchetTask<in TInput>
{
    /// <summary>Runs the task once.</summary>
    /// <param name="input">The input.</param>
    /// <param name="context">The run's context.</param>
    /// <returns>A task that completes when the run is done.</returns>
    Task RunAsync(TInput input, TaskContext context);
}
