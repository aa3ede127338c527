namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary>The viewer's tests share one dev engine and the real redis-server (a missing Redis fails them, never skips).</summary>
[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "viewer";
}

public sealed record ItemIn(int N);

public sealed record ItemOut(int N);
