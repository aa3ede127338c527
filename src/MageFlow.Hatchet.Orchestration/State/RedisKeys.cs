using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// Every Redis key MageFlow uses, built in one place (the Lua scripts build the same names in <c>common.lua</c>).
/// A flow lives in one slot bucket: its keys look like <c>{prefix:&lt;bucket&gt;}:sig:&lt;id&gt;</c>, where the id names
/// its bucket (<see cref="SignatureBucket"/>), so a flow's keys share one cluster slot and different flows spread over
/// the cluster. Ids without a bucket (written before buckets) live under the legacy prefix <c>{prefix}</c>, which also
/// holds the keys shared by every bucket (registry, owners, the bucket list). See docs/redis-schema.md.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _name;

    public RedisKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _name = prefix;
        Prefix = "{" + prefix + "}";
        Registry = Prefix + ":registry";
        Owners = Prefix + ":owners";
        Buckets = Prefix + ":buckets";
        FinishedChannel = RedisChannel.Literal(Prefix + ":finished");
    }

    /// <summary>Gets the global prefix with its hash tag, e.g. <c>{mageflow}</c>: the legacy bucket's prefix, and that of
    /// the keys every bucket shares.</summary>
    public string Prefix { get; }

    /// <summary>Gets the hash of signable task names (name → language).</summary>
    public string Registry { get; }

    /// <summary>Gets the sorted set of live MageFlow processes (owner id → last beat, ms).</summary>
    public string Owners { get; }

    /// <summary>Gets the set of bucket prefixes that ever held state (the sweeper, takeover and inspector visit them).</summary>
    public string Buckets { get; }

    /// <summary>Gets the channel on which a top-level signature's id is published when it reaches a final status (one
    /// name for every bucket: a channel is no key, and a cluster delivers it on every node).</summary>
    public RedisChannel FinishedChannel { get; }

    /// <summary>The prefix of a bucket, e.g. <c>{mageflow:3f}</c>; the legacy bucket's is <see cref="Prefix"/>.</summary>
    public string BucketPrefix(string bucket) => bucket.Length == 0 ? Prefix : "{" + _name + ":" + bucket + "}";

    /// <summary>The prefix of the bucket an id lives in.</summary>
    public string PrefixOf(string id) => BucketPrefix(SignatureBucket.Of(id));

    /// <summary>The hash of one signature (task, chain or swarm).</summary>
    public string Signature(string id) => PrefixOf(id) + ":sig:" + id;

    /// <summary>One part of a swarm: <see cref="SwarmPart.Queue"/>, <see cref="SwarmPart.Items"/> or <see cref="SwarmPart.Results"/>.</summary>
    public string Swarm(string id, SwarmPart part) => PrefixOf(id) + ":swarm:" + id + ":" + part switch
    {
        SwarmPart.Queue => "queue",
        SwarmPart.Items => "items",
        _ => "results",
    };

    /// <summary>The sorted set of a bucket's task signatures queued, claimed or published but not yet followed or finished.</summary>
    public static string Inflight(string bucketPrefix) => bucketPrefix + ":inflight";

    /// <summary>The sorted set of a bucket's task signatures whose run started and whose end is not recorded (id →
    /// started_at, ms); the reconciler compares it with the engine's record.</summary>
    public static string Running(string bucketPrefix) => bucketPrefix + ":running";

    /// <summary>The sorted set of a bucket's top-level flows by start time (ms), which the viewer lists.</summary>
    public static string Flows(string bucketPrefix) => bucketPrefix + ":flows";

    /// <summary>The set of a bucket's top-level flows not final yet (it decides when <see cref="Flows"/> may expire).</summary>
    public static string LiveFlows(string bucketPrefix) => bucketPrefix + ":flows:live";

    /// <summary>The hash of runs one owner follows in one bucket through the engine's events (run id → signature id).</summary>
    public static string OwnerRuns(string bucketPrefix, string owner) => bucketPrefix + ":owner:" + owner + ":runs";
}
