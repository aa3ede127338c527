using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>Reports every problem of a hosted worker's options at once, named after the worker.</summary>
internal sealed class HatchetWorkerOptionsValidator : IValidateOptions<HatchetWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = BindingErrors.Of(options).Concat(options.GetValidationErrors()).Select(e => $"Hatchet worker '{name}': {e}").ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
