using System.Runtime.CompilerServices;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// The problems found while reading settings into an options instance, kept beside it until its validator runs: reading
/// must not throw (the host would then report that one problem alone), and the options types belong to other packages.
/// Shared as source with the MageFlow hosting package.
/// </summary>
internal static class BindingErrors
{
    private static readonly ConditionalWeakTable<object, IReadOnlyList<string>> Errors = [];

    public static void Set(object options, IReadOnlyList<string> errors) => Errors.AddOrUpdate(options, errors);

    public static IReadOnlyList<string> Of(object options) => Errors.TryGetValue(options, out var errors) ? errors : [];
}
