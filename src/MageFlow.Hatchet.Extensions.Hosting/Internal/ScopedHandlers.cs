using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>Task bodies that resolve their handler from a new DI scope per run, and dispose the scope before the run
/// reports its end (so nothing scoped outlives its run, and a test sees the disposal once the run is done).</summary>
internal static class ScopedHandlers
{
    public static Func<TInput, TaskContext, Task<TOutput>> For<THandler, TInput, TOutput>(IServiceScopeFactory scopes)
        where THandler : class, IHatchetTask<TInput, TOutput> =>
        async (input, context) =>
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                return await scope.ServiceProvider.GetRequiredService<THandler>().RunAsync(input, context).ConfigureAwait(false);
            }
        };

    public static Func<TInput, TaskContext, Task> WithoutOutput<THandler, TInput>(IServiceScopeFactory scopes)
        where THandler : class, IHatchetTask<TInput> =>
        async (input, context) =>
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await scope.ServiceProvider.GetRequiredService<THandler>().RunAsync(input, context).ConfigureAwait(false);
            }
        };
}
