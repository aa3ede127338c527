
namespace MageFlow.Hatchet.Tests;

/// <summary>One dev engine per collection; each test declares uniquely named tasks on its own client.</summary>
public sealed class SdkFixture : IAsyncLifetime
{
    private HatchetDevEngine? _engine;

    public HatchetDevEngine Engine => _engine ?? throw new InvalidOperationException("not started");

    public HatchetClient NewClient(Action<HatchetClientOptions>? configure = null)
    {
        var options = HatchetClientOptions.FromEnvironment(Engine.ClientEnvironment);
        configure?.Invoke(options);
        return HatchetClient.Create(options);
    }

    public async Task InitializeAsync() => _engine = await HatchetDevEngine.StartAsync();

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<SdkFixture>
{
    public const string Name = "sdk on dev engine";
}
