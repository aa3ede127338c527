namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>Every state transition MageFlow makes, one typed script each.</summary>
internal sealed class MageFlowScripts(ScriptRunner runner)
{
    public CreateScript Create { get; } = new(runner);

    public CreateManyScript CreateMany { get; } = new(runner);

    public RunScript Run { get; } = new(runner);

    public SwarmAddScript SwarmAdd { get; } = new(runner);

    public SwarmCloseScript SwarmClose { get; } = new(runner);

    public RootBeginScript RootBegin { get; } = new(runner);

    public RootEndScript RootEnd { get; } = new(runner);

    public LifecycleScript Lifecycle { get; } = new(runner);

    public RetryScript Retry { get; } = new(runner);

    public PrepareScript Prepare { get; } = new(runner);

    public MarkFollowedScript MarkFollowed { get; } = new(runner);

    public StartScript Start { get; } = new(runner);

    public OnFinishedScript OnFinished { get; } = new(runner);

    public OwnersScript Owners { get; } = new(runner);

    public PublishFailedScript PublishFailed { get; } = new(runner);
}
