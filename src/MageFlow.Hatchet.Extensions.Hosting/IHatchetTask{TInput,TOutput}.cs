using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Extensions.Hosting;

/// <summary>
/// A task handler that lives in dependency injection: a hosted worker resolves it from a new
/// <see cref="Microsoft.Extensions.DependencyInjection.IServiceScope"/> for every run and disposes the scope when the run
/// ends, so scoped services (a DbContext, a unit of work) belong to one run. Register it with
/// <see cref="HatchetWorkerBuilder.AddTask{THandler}(string, TaskOptions?)"/>.
/// </summary>
/// <typeparam name="TInput">The run's input, deserialized with the client's JSON options.</typeparam>
/// <typeparam name="TOutput">The run's output.</typeparam>
public interface IHatchetTask<in TInput, TOutput>
{
    /// <summary>Runs the task once.</summary>
    /// <param name="input">The input.</param>
    /// <param name="context">The run's context; <see cref="TaskContext.CancellationToken"/> is cancelled when the engine
    /// cancels the attempt or the host stops past its shutdown timeout.</param>
    /// <returns>The output.</returns>
    Task<TOutput> RunAsync(TInput input, TaskContext context);
}
