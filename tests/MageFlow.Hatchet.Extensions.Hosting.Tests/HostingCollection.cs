namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>The hosting tests that run hosts against one dev engine and the real redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class HostingCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "hosting on redis and dev engine";
}
