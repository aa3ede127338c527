using System.Globalization;
using System.Text.Json.Nodes;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// One unit of work in a flow, as the root task's body receives it: <c>leaf</c> (the C# leaf task with
/// <see cref="X"/>), <c>ts</c> (the TypeScript leaf), <c>chain</c> (its <see cref="Steps"/> in order),
/// <c>root</c> (a nested root whose body publishes <see cref="Steps"/>) or <c>swarm</c> (an explicit swarm of
/// <see cref="Steps"/> with at most <see cref="X"/> running at once).
/// </summary>
internal sealed record Step(string Kind, int X, List<Step>? Steps = null)
{
    /// <summary>What a leaf returns: <c>{"v": 3x + 1 + previous v}</c>, the previous being the chain step before it.</summary>
    public static int LeafValue(int x, int? previous) => (3 * x) + 1 + (previous ?? 0);

    /// <summary>The result this step's flow must produce, computed from the spec alone (never read back from the system).</summary>
    public JsonNode Expected() => Kind switch
    {
        "leaf" or "ts" => new JsonObject { ["v"] = LeafValue(X, null) },
        "chain" => new JsonObject { ["v"] = Steps!.Aggregate((int?)null, (prev, s) => LeafValue(s.X, prev)) },
        "root" or "swarm" => new JsonArray(Steps!.Select(s => s.Expected()).ToArray()),
        _ => throw new InvalidOperationException("unknown step kind " + Kind),
    };
}

/// <summary>A top-level flow: a root, a chain or an explicit swarm, with one success callback.</summary>
internal sealed record FlowSpec(int Index, string Id, Step Top);

/// <summary>The malformed inputs the workload mixes in, one kind after another.</summary>
internal enum BadInputKind
{
    InvalidJson,
    WrongTypes,
    FiveMegabytePayload,
    UnknownTaskName,
    InvalidUtf8Metadata,
}

/// <summary>The seeded workload: which flows run, in which order, and where bad inputs are mixed in.</summary>
internal sealed class ChaosWorkload
{
    /// <summary>Every tenth submission is a malformed input.</summary>
    public const int BadInputEvery = 10;

    private ChaosWorkload(IReadOnlyList<FlowSpec> flows, IReadOnlyList<BadInputKind> badInputs)
    {
        Flows = flows;
        BadInputs = badInputs;
    }

    public IReadOnlyList<FlowSpec> Flows { get; }

    public IReadOnlyList<BadInputKind> BadInputs { get; }

    public static ChaosWorkload Create(int seed, int flows)
    {
        var random = new Random(seed);
        var run = seed.ToString("x", CultureInfo.InvariantCulture);
        var specs = Enumerable.Range(0, flows).Select(i => new FlowSpec(i, $"f{run}-{i}", TopLevel(random))).ToList();
        var kinds = Enum.GetValues<BadInputKind>();
        var bad = Enumerable.Range(0, flows / BadInputEvery).Select(i => kinds[i % kinds.Length]).ToList();
        return new ChaosWorkload(specs, bad);
    }

    private static Step TopLevel(Random random) => random.Next(10) switch
    {
        < 5 => new Step("root", 0, Children(random, nested: true)),
        < 8 => new Step("chain", 0, Leaves(random, 2, 4)),
        _ => new Step("swarm", random.Next(2, 4), Leaves(random, 3, 6)),
    };

    private static List<Step> Children(Random random, bool nested)
    {
        var children = new List<Step>();
        for (var i = random.Next(2, 6); i > 0; i--)
        {
            children.Add(random.Next(10) switch
            {
                < 4 => Leaf(random),
                < 6 => new Step("chain", 0, Leaves(random, 2, 3)),
                < 8 when nested => new Step("root", 0, Children(random, nested: false)),
                _ => new Step("ts", random.Next(1000)),
            });
        }

        return children;
    }

    private static List<Step> Leaves(Random random, int min, int max) =>
        Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Leaf(random)).ToList();

    private static Step Leaf(Random random) => new(random.Next(4) == 0 ? "ts" : "leaf", random.Next(1000));
}
