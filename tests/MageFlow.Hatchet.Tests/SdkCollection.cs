namespace MageFlow.Hatchet.Tests;

/// <summary>One dev engine per collection; each test declares uniquely named tasks on its own client.</summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<DevEngineFixture>
{
    public const string Name = "sdk on dev engine";
}
