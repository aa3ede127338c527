namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>How a cron trigger came to be: Hatchet's <c>CronWorkflowsMethod</c>.</summary>
internal enum CronMethod
{
    /// <summary>Declared by the workflow (<c>cron_triggers</c> of <c>PutWorkflow</c>); replaced with each new version.</summary>
    Default,

    /// <summary>Created over REST; kept across workflow versions until deleted.</summary>
    Api,
}
