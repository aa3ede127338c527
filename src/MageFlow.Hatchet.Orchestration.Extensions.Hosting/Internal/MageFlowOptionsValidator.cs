using MageFlow.Hatchet.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;

/// <summary>Reports every problem of the MageFlow options at once, when the host starts.</summary>
internal sealed class MageFlowOptionsValidator : IValidateOptions<MageFlowOptions>
{
    public ValidateOptionsResult Validate(string? name, MageFlowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = BindingErrors.Of(options).Concat(options.GetValidationErrors()).Select(e => "MageFlow: " + e).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
