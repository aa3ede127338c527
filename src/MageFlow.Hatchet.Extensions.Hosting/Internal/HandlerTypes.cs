namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>Finds the input and output types of a handler class from the one <see cref="IHatchetTask{TInput, TOutput}"/>
/// (or <see cref="IHatchetTask{TInput}"/>) it implements, so registering it needs only its type.</summary>
internal static class HandlerTypes
{
    /// <returns>The input type, and the output type or <see langword="null"/> for a handler without output.</returns>
    public static (Type Input, Type? Output) Of(Type handler)
    {
        var found = handler.GetInterfaces()
            .Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IHatchetTask<,>) || i.GetGenericTypeDefinition() == typeof(IHatchetTask<>)))
            .ToList();
        return found.Count switch
        {
            1 => (found[0].GetGenericArguments()[0], found[0].GetGenericArguments() is { Length: 2 } a ? a[1] : null),
            0 => throw new ArgumentException($"{handler.Name} does not implement IHatchetTask<TInput, TOutput> or IHatchetTask<TInput>.", nameof(handler)),
            _ => throw new ArgumentException($"{handler.Name} implements IHatchetTask more than once; register it with AddTask<THandler, TInput, TOutput> to say which.", nameof(handler)),
        };
    }
}
