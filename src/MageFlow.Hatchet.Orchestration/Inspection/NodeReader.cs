using System.Globalization;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>
/// Reads nodes from their signature hashes in two pipelined round trips, whatever their number: the hashes, then what
/// their counts need (a swarm's queue length, a root swarm's counters, a chain's steps).
/// </summary>
internal sealed class NodeReader(IDatabase db, RedisKeys keys)
{
    /// <summary>The most chain steps whose statuses are read for a chain's counts.</summary>
    private const int MaxChainSteps = 1000;

    private static readonly RedisValue[] SummaryFields =
    [
        Fields.Kind, Fields.Name, Fields.Status, "created_at", "started_at", "finished_at", Fields.Run, Fields.RootSwarm,
        Fields.Tasks, Fields.Total, Fields.Succeeded, Fields.Failed, Fields.Canceled, Fields.Running, Fields.RootSignature,
    ];

    /// <summary>A root swarm's name is this prefix and its root task's name.</summary>
    private const string RootSwarmPrefix = "root-swarm:";

    /// <summary>A chain's name is this prefix and the name it was given (or its first task's).</summary>
    private const string ChainPrefix = "chain-task:";

    private static readonly RedisValue[] SwarmFields = [Fields.Status, Fields.Total, Fields.Succeeded, Fields.Failed, Fields.Canceled, Fields.Running, "finished_at"];

    /// <summary>Reads summaries; an id whose record is gone (expired) or is no signature gives <see langword="null"/>.</summary>
    public async Task<FlowNodeSummary?[]> ReadAsync(IReadOnlyList<string> ids)
    {
        var hashes = await Task.WhenAll(ids.Select(id => db.HashGetAsync(keys.Signature(id), SummaryFields))).ConfigureAwait(false);
        var extras = new Task<RedisValue[]>[ids.Count];
        var queues = new Task<long>[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            var h = hashes[i];
            var kind = WireNames.KindOf(h[0]);
            if (kind == SignatureKind.Swarm)
            {
                queues[i] = db.ListLengthAsync(keys.Swarm(ids[i], SwarmPart.Queue));
                if (!h[14].IsNullOrEmpty)
                {
                    extras[i] = db.HashGetAsync(keys.Signature(h[14]!), [Fields.Status]);
                }
            }
            else if (kind == SignatureKind.Task && !h[7].IsNullOrEmpty)
            {
                extras[i] = db.HashGetAsync(keys.Signature(h[7]!), SwarmFields);
                queues[i] = db.ListLengthAsync(keys.Swarm(h[7]!, SwarmPart.Queue));
            }
            else if (kind == SignatureKind.Chain)
            {
                extras[i] = ChainStatusesAsync(Split(h[8]).Take(MaxChainSteps));
            }
        }

        var summaries = new FlowNodeSummary?[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            summaries[i] = Build(ids[i], hashes[i], extras[i] is { } e ? await e.ConfigureAwait(false) : null, queues[i] is { } q ? await q.ConfigureAwait(false) : 0);
        }

        return summaries;
    }

    /// <summary>Splits a comma-separated id list.</summary>
    public static string[] Split(RedisValue list) =>
        list.IsNullOrEmpty ? [] : ((string)list!).Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A Redis time field (ms since the epoch).</summary>
    public static DateTimeOffset? Time(RedisValue value) =>
        long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static int Count(RedisValue value) =>
        int.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Max(0, n) : 0;

    private async Task<RedisValue[]> ChainStatusesAsync(IEnumerable<string> steps) =>
        await Task.WhenAll(steps.Select(s => db.HashGetAsync(keys.Signature(s), Fields.Status))).ConfigureAwait(false);

    private static FlowNodeSummary? Build(string id, RedisValue[] h, RedisValue[]? extra, long queued)
    {
        if (WireNames.KindOf(h[0]) is not { } kind || WireNames.StatusOf(h[2]) is not { } status)
        {
            return null;
        }

        var nodeKind = Kind(kind, h[7], h[14]);
        var name = (string?)h[1] ?? string.Empty;
        var prefix = nodeKind switch
        {
            FlowNodeKind.Root => RootSwarmPrefix,
            FlowNodeKind.Chain => ChainPrefix,
            _ => null,
        };
        if (prefix is not null && name.StartsWith(prefix, StringComparison.Ordinal))
        {
            name = name[prefix.Length..];
        }

        var summary = new FlowNodeSummary(id, nodeKind, name, status)
        {
            CreatedAt = Time(h[3]),
            StartedAt = Time(h[4]),
            FinishedAt = Time(h[5]),
            RunId = h[6].IsNullOrEmpty ? null : (string?)h[6],
        };
        return kind switch
        {
            SignatureKind.Swarm => summary with
            {
                // A nested root is listed by its swarm: the body's status is its root signature's.
                BodyStatus = extra is null ? null : WireNames.StatusOf(extra[0]),
                Progress = SwarmProgress(Count(h[9]), (int)queued, Count(h[13]), Count(h[10]), Count(h[11]), Count(h[12]), status),
            },
            SignatureKind.Chain => summary with { Progress = ChainProgress(extra ?? [], Split(h[8]).Length, status) },
            _ when extra is not null && WireNames.StatusOf(extra[0]) is { } flowStatus => summary with
            {
                // A root: the flow's status is its root swarm's, which ends after the body and every child.
                Status = flowStatus,
                BodyStatus = status,
                FinishedAt = Time(extra[6]),
                Progress = SwarmProgress(Count(extra[1]), (int)queued, Count(extra[5]), Count(extra[2]), Count(extra[3]), Count(extra[4]), flowStatus),
            },
            _ => summary,
        };
    }

    private static FlowNodeKind Kind(SignatureKind kind, RedisValue rootSwarm, RedisValue rootSignature) => kind switch
    {
        SignatureKind.Chain => FlowNodeKind.Chain,
        SignatureKind.Swarm => rootSignature.IsNullOrEmpty ? FlowNodeKind.Swarm : FlowNodeKind.Root,
        _ => rootSwarm.IsNullOrEmpty ? FlowNodeKind.Task : FlowNodeKind.Root,
    };

    // A cancel ends a swarm without moving its counters or emptying its queue (its items end on their own, or never run):
    // once a swarm is final nothing runs or waits in it, and what did not end otherwise was canceled.
    private static FlowProgress SwarmProgress(int total, int queued, int running, int done, int failed, int canceled, SignatureStatus status) =>
        WireNames.IsFinal(status)
            ? new FlowProgress(total, 0, 0, done, failed, Math.Max(canceled, total - done - failed), status)
            : new FlowProgress(total, queued, running, done, failed, canceled, status);

    private static FlowProgress ChainProgress(RedisValue[] steps, int total, SignatureStatus status)
    {
        int done = 0, failed = 0, canceled = 0, running = 0;
        foreach (var step in steps)
        {
            switch (WireNames.StatusOf(step))
            {
                case SignatureStatus.Done: done++; break;
                case SignatureStatus.Failed: failed++; break;
                case SignatureStatus.Canceled: canceled++; break;
                case SignatureStatus.Active: running++; break;
                default: break;
            }
        }

        return new FlowProgress(total, total - done - failed - canceled - running, running, done, failed, canceled, status);
    }
}
