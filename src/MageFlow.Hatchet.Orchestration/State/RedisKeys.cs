using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// Every Redis key MageFlow uses, built in one place (the Lua scripts build the same names in <c>common.lua</c>).
/// Keys look like <c>{prefix}:sig:&lt;id&gt;</c>; the braces are a hash tag, so one deployment's keys share a
/// cluster slot and every script's keys live on one node. See docs/redis-schema.md.
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Prefix = "{" + prefix + "}";
        Registry = Prefix + ":registry";
        Inflight = Prefix + ":inflight";
        Running = Prefix + ":running";
        Owners = Prefix + ":owners";
        Flows = Prefix + ":flows";
        LiveFlows = Prefix + ":flows:live";
        FinishedChannel = RedisChannel.Literal(Prefix + ":finished");
    }

    /// <summary>Gets the key prefix with its hash tag, e.g. <c>{mageflow}</c>; every script receives it.</summary>
    public string Prefix { get; }

    /// <summary>Gets the hash of signable task names (name → language).</summary>
    public string Registry { get; }

    /// <summary>Gets the sorted set of task signatures queued, claimed or published but not yet followed or finished.</summary>
    public string Inflight { get; }

    /// <summary>Gets the sorted set of task signatures whose run started and whose end is not recorded (id → started_at, ms);
    /// the reconciler compares it with the engine's record.</summary>
    public string Running { get; }

    /// <summary>Gets the sorted set of live MageFlow processes (owner id → last beat, ms).</summary>
    public string Owners { get; }

    /// <summary>Gets the sorted set of top-level flows by start time (ms), which the viewer lists.</summary>
    public string Flows { get; }

    /// <summary>Gets the set of top-level flows not final yet (it decides when <see cref="Flows"/> may expire).</summary>
    public string LiveFlows { get; }

    /// <summary>Gets the channel on which a top-level signature's id is published when it reaches a final status.</summary>
    public RedisChannel FinishedChannel { get; }

    /// <summary>The hash of one signature (task, chain or swarm).</summary>
    public string Signature(string id) => Prefix + ":sig:" + id;

    /// <summary>One part of a swarm: <see cref="SwarmPart.Queue"/>, <see cref="SwarmPart.Items"/> or <see cref="SwarmPart.Results"/>.</summary>
    public string Swarm(string id, SwarmPart part) => Prefix + ":swarm:" + id + ":" + part switch
    {
        SwarmPart.Queue => "queue",
        SwarmPart.Items => "items",
        _ => "results",
    };

    /// <summary>The hash of runs one owner follows through the engine's events (run id → signature id).</summary>
    public string OwnerRuns(string owner) => Prefix + ":owner:" + owner + ":runs";
}
