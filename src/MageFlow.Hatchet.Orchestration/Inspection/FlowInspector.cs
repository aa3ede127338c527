using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>
/// A read model of MageFlow's state for people and tools that look at flows (the viewer, the MCP server): recent
/// top-level flows, and any node with its callbacks and a page of its children. It only reads, except that list entries
/// whose flow has expired are dropped from the index as they are met. Get it from <see cref="MageFlowClient.Inspector"/>.
/// </summary>
public sealed class FlowInspector
{
    /// <summary>The most index entries one filtered list call reads before it answers with what it found.</summary>
    public const int MaxScanned = 10_000;

    private const int ScanBatch = 200;
    private readonly MageFlowServices _services;
    private readonly NodeReader _reader;
    private readonly FlowIndex _flows;

    internal FlowInspector(MageFlowServices services)
    {
        _services = services;
        _reader = new NodeReader(services.Runner.Database, services.Keys);
        _flows = new FlowIndex(services.Runner);
    }

    /// <summary>Gets or sets the longest input, result or error a <see cref="FlowNode"/> carries, in characters; longer ones are cut.</summary>
    public int MaxValueLength { get; set; } = 4096;

    /// <summary>Lists recent top-level flows (roots, swarms, chains and single signatures started on their own), newest first.</summary>
    /// <param name="query">Filters and paging; all flows, 50 per page, when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A page of flows. With filters, <see cref="FlowNodePage.Total"/> counts matches among the flows scanned
    /// (at most <see cref="MaxScanned"/> per call).</returns>
    public async Task<FlowNodePage> ListFlowsAsync(FlowListQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new FlowListQuery();
        query.Validate();
        if (!query.Filters)
        {
            var total = await _flows.CountAsync(cancellationToken).ConfigureAwait(false);
            var ids = await RangeAsync(query.Offset, query.Limit, cancellationToken).ConfigureAwait(false);
            var items = await LiveAsync(ids).ConfigureAwait(false);
            return new FlowNodePage(items, query.Offset, total, query.Offset + ids.Length < total);
        }

        var page = new List<FlowNodeSummary>(query.Limit);
        var matched = 0;
        var scanned = 0;
        var more = false;
        while (scanned < MaxScanned)
        {
            var ids = await RangeAsync(scanned, ScanBatch, cancellationToken).ConfigureAwait(false);
            scanned += ids.Length;
            foreach (var flow in await LiveAsync(ids).ConfigureAwait(false))
            {
                if (!query.Matches(flow))
                {
                    continue;
                }

                if (matched >= query.Offset && page.Count < query.Limit)
                {
                    page.Add(flow);
                }
                else if (page.Count == query.Limit)
                {
                    more = true;
                }

                matched++;
            }

            if (ids.Length < ScanBatch)
            {
                break;
            }
        }

        return new FlowNodePage(page, query.Offset, matched, more || scanned >= MaxScanned);

        async Task<FlowNodeSummary[]> LiveAsync(string[] ids)
        {
            var read = await _reader.ReadAsync(ids).ConfigureAwait(false);
            // Expired flows leave the index as they are met; nothing else ever reads those entries.
            _flows.Remove(ids.Where((_, i) => read[i] is null));

            return [.. read.OfType<FlowNodeSummary>()];
        }
    }

    /// <summary>Reads one node: what it is, its input and outcome, its callbacks and a page of its children.</summary>
    /// <param name="id">A signature id (a flow's, or any node's inside it).</param>
    /// <param name="childOffset">The first child to include.</param>
    /// <param name="childLimit">How many children to include at most (0 to 1,000).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The node, or <see langword="null"/> when no such signature exists (never created, or expired).</returns>
    public async Task<FlowNode?> GetNodeAsync(string id, int childOffset = 0, int childLimit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegative(childOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(childLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(childLimit, 1000);
        var db = _services.Runner.Database;
        RedisValue[] names = [Fields.Input, Fields.Result, Fields.Error, Fields.SuccessCallbacks, Fields.ErrorCallbacks, Fields.Parent, Fields.RootSwarm, Fields.Tasks];
        var summaryTask = _reader.ReadAsync([id]);
        var h = await _services.Runner.DoAsync(d => d.HashGetAsync(_services.Keys.Signature(id), names), cancellationToken).ConfigureAwait(false);
        if ((await summaryTask.ConfigureAwait(false))[0] is not { } summary)
        {
            return null;
        }

        // A root's children and callbacks live on its root swarm.
        var rootSwarm = (string?)h[6];
        var owner = string.IsNullOrEmpty(rootSwarm) ? id : rootSwarm;
        var callbacks = owner == id ? h : await db.HashGetAsync(_services.Keys.Signature(owner), names).ConfigureAwait(false);
        var (childIds, total) = summary.Kind switch
        {
            FlowNodeKind.Chain => Slice(NodeReader.Split(h[7]), childOffset, childLimit),
            FlowNodeKind.Swarm or FlowNodeKind.Root => await ItemsAsync(owner, childOffset, childLimit).ConfigureAwait(false),
            _ => ([], 0),
        };
        var success = NodeReader.Split(callbacks[3]);
        var error = NodeReader.Split(callbacks[4]);
        var related = await _reader.ReadAsync([.. childIds, .. success, .. error]).ConfigureAwait(false);
        var truncated = false;
        return new FlowNode(summary)
        {
            ContainerId = h[5].IsNullOrEmpty ? null : (string?)h[5],
            RootSwarmId = string.IsNullOrEmpty(rootSwarm) ? null : rootSwarm,
            Input = Cut(h[0]),
            Result = Cut(summary.Kind == FlowNodeKind.Root ? callbacks[1] : h[1]),
            Error = Cut(summary.Kind == FlowNodeKind.Root && !callbacks[2].IsNullOrEmpty ? callbacks[2] : h[2]),
            Truncated = truncated,
            Children = new FlowNodePage([.. related.Take(childIds.Length).OfType<FlowNodeSummary>()], childOffset, total, childOffset + childIds.Length < total),
            SuccessCallbacks = [.. related.Skip(childIds.Length).Take(success.Length).OfType<FlowNodeSummary>()],
            ErrorCallbacks = [.. related.Skip(childIds.Length + success.Length).OfType<FlowNodeSummary>()],
        };

        string? Cut(RedisValue value)
        {
            if (value.IsNullOrEmpty)
            {
                return null;
            }

            var text = (string)value!;
            if (text.Length <= MaxValueLength)
            {
                return text;
            }

            truncated = true;
            return text[..MaxValueLength];
        }
    }

    /// <summary>Loads a node as a <see cref="Signature"/>, to act on it (suspend, interrupt, resume, cancel, retry).</summary>
    /// <param name="id">The signature id; for a root, the root task's signature, which acts on the whole flow.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The signature, or <see langword="null"/> when it is gone.</returns>
    public Task<Signature?> GetSignatureAsync(string id, CancellationToken cancellationToken = default) =>
        new SignatureFactory(_services).LoadAsync(id, cancellationToken);

    /// <summary>Lists the task names MageFlow may sign by name, with where each runs.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Engine task name → <c>dotnet</c> (a C# worker with MageFlow declares it) or <c>external</c> (registered
    /// with <see cref="MageFlowClient.RegisterExternalTasksAsync"/>), sorted by name.</returns>
    public async Task<IReadOnlyDictionary<string, string>> ListRegistryAsync(CancellationToken cancellationToken = default)
    {
        var entries = await _services.Runner.DoAsync(d => d.HashGetAllAsync(_services.Keys.Registry), cancellationToken).ConfigureAwait(false);
        return new SortedDictionary<string, string>(entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!), StringComparer.Ordinal);
    }

    private static (string[] Ids, int Total) Slice(string[] all, int offset, int limit) =>
        ([.. all.Skip(offset).Take(limit)], all.Length);

    private Task<string[]> RangeAsync(int offset, int count, CancellationToken cancellationToken) => _flows.RangeAsync(offset, count, cancellationToken);

    private async Task<(string[] Ids, int Total)> ItemsAsync(string swarm, int offset, int limit)
    {
        var db = _services.Runner.Database;
        var key = _services.Keys.Swarm(swarm, SwarmPart.Items);
        var total = db.ListLengthAsync(key);
        var ids = limit == 0 ? Task.FromResult(Array.Empty<RedisValue>()) : db.ListRangeAsync(key, offset, offset + limit - 1);
        return ([.. (await ids.ConfigureAwait(false)).Select(v => (string)v!)], (int)await total.ConfigureAwait(false));
    }
}
