using System.Text.Json;
using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>The MageFlow tests that run everything in this process, on one dev engine and the real redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class MageFlowCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "mageflow on redis and dev engine";
}

public sealed record In(int N);

public sealed record Out(int Value);

/// <summary>A callback's input: the previous result arrives under <c>mageflow_results</c>.</summary>
public sealed record ResultIn([property: JsonPropertyName("mageflow_results")] Out? MageflowResults, string? Tag = null, int? N = null);

/// <summary>A swarm callback's input: the list of item results.</summary>
public sealed record ListIn([property: JsonPropertyName("mageflow_results")] List<Out>? MageflowResults);

/// <summary>A callback whose result field is marked with <see cref="ReturnValueAttribute"/>.</summary>
public sealed record PrevIn([property: ReturnValue] Out? Prev, [property: JsonPropertyName("mageflow_results")] JsonElement? MageflowResults, string? Tag = null);
