using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>Reports every problem of the client options at once: values that did not parse, and what the SDK would
/// refuse when creating the client. <c>ValidateOnStart</c> runs it before any hosted service starts.</summary>
internal sealed class HatchetClientOptionsValidator : IValidateOptions<HatchetClientOptions>
{
    public ValidateOptionsResult Validate(string? name, HatchetClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = BindingErrors.Of(options).Concat(options.GetValidationErrors()).Select(e => "Hatchet: " + e).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
