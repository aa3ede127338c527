namespace MageFlow.Hatchet.DevEngine.Core.Workflows;

/// <summary>
/// The text Hatchet's <c>PutWorkflow</c> answers a failed field check with: its validator's list of errors
/// (<c>APIErrors.String</c> and <c>SafeExternalError</c> in pkg/validator/default.go), so clients see the same message.
/// Fields are named by their path in the engine's <c>CreateWorkflowVersionOpts</c>.
/// </summary>
internal static class ValidationMessage
{
    /// <summary>A value outside the allowed set (a <c>oneof</c> check).</summary>
    /// <param name="field">The field's path, such as <c>CreateWorkflowVersionOpts.Concurrency[0].LimitStrategy</c>.</param>
    /// <param name="allowed">The allowed values, space-separated.</param>
    /// <param name="actual">The value sent.</param>
    /// <returns>The message.</returns>
    public static string OneOf(string field, string allowed, string actual) =>
        $"Validation failed with the following errors:\n0: validation failed on field '{field}': on condition 'oneof' [ {allowed} ]: got '{actual}'\n";

    /// <summary>A cron expression Hatchet's parser refuses (the <c>cron</c> check, with its own text).</summary>
    /// <param name="field">The field's path, such as <c>CreateWorkflowVersionOpts.CronTriggers[0]</c>.</param>
    /// <returns>The message.</returns>
    public static string Cron(string field) =>
        $"Validation failed with the following errors:\n0: validation failed on field '{field}': Invalid cron expression\n";
}
