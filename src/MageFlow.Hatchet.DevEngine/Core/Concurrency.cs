using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>
/// A concurrency limit of a workflow or task. The dev engine evaluates the simple expression forms SDKs
/// generate (<c>input.field</c>, <c>additional_metadata.key</c>, string literals) instead of full CEL.
/// </summary>
internal sealed partial class ConcurrencyRule
{
    private readonly string[] _path;
    private readonly bool _fromMetadata;
    private readonly string? _constant;

    private ConcurrencyRule(string id, string expression, int maxRuns, ConcurrencyLimitStrategy strategy, string[] path, bool fromMetadata, string? constant)
    {
        Id = id;
        Expression = expression;
        MaxRuns = maxRuns;
        Strategy = strategy;
        _path = path;
        _fromMetadata = fromMetadata;
        _constant = constant;
    }

    public string Id { get; }

    public string Expression { get; }

    public int MaxRuns { get; }

    public ConcurrencyLimitStrategy Strategy { get; }

    public Dictionary<string, ConcurrencyGroup> Groups { get; } = new(StringComparer.Ordinal);

    public static ConcurrencyRule Parse(string id, Concurrency c, string owner)
    {
        var expression = c.Expression?.Trim() ?? string.Empty;
        if (expression.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{owner}: concurrency expression must not be empty"));
        }

        if (c.HasMaxRunsExpression)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"{owner}: concurrency max_runs_expression '{c.MaxRunsExpression}' is not supported by the dev engine; set max_runs instead"));
        }

        var maxRuns = c.HasMaxRuns ? c.MaxRuns : 1;
        if (maxRuns < 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{owner}: concurrency max_runs must be at least 1, got {maxRuns}"));
        }

        var strategy = c.HasLimitStrategy ? c.LimitStrategy : ConcurrencyLimitStrategy.CancelInProgress;
        if (strategy is not (ConcurrencyLimitStrategy.GroupRoundRobin or ConcurrencyLimitStrategy.CancelInProgress or
            ConcurrencyLimitStrategy.CancelNewest or ConcurrencyLimitStrategy.QueueNewest or ConcurrencyLimitStrategy.DropNewest))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"{owner}: concurrency limit strategy {strategy} is not supported by the dev engine (supported: GROUP_ROUND_ROBIN, CANCEL_IN_PROGRESS, CANCEL_NEWEST)"));
        }

        var literal = LiteralPattern().Match(expression);
        if (literal.Success)
        {
            return new ConcurrencyRule(id, expression, maxRuns, strategy, [], false, literal.Groups["v"].Value);
        }

        var access = AccessPattern().Match(expression);
        if (!access.Success)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"{owner}: concurrency expression '{expression}' is not supported by the dev engine; it evaluates only input.<field>, additional_metadata.<key> and string literals"));
        }

        var root = access.Groups["root"].Value;
        var path = access.Groups["path"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return new ConcurrencyRule(id, expression, maxRuns, strategy, path, root == "additional_metadata", null);
    }

    public string KeyFor(WorkflowRun run)
    {
        if (_constant is not null)
        {
            return _constant;
        }

        JsonNode? node = _fromMetadata ? run.Metadata : run.Input;
        foreach (var segment in _path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var next) ? next : null;
            if (node is null)
            {
                return string.Empty;
            }
        }

        return node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }

    [GeneratedRegex("^(?:'(?<v>[^']*)'|\"(?<v>[^\"]*)\")$")]
    private static partial Regex LiteralPattern();

    [GeneratedRegex(@"^(?<root>input|additional_metadata)(?<path>(?:\.[A-Za-z_][A-Za-z0-9_\-]*)+)$")]
    private static partial Regex AccessPattern();
}

internal sealed class ConcurrencyGroup
{
    public ConcurrencyGroup(ConcurrencyRule rule, string key)
    {
        Rule = rule;
        Key = key;
    }

    public ConcurrencyRule Rule { get; }

    public string Key { get; }

    public LinkedList<ConcurrencyHolder> Holders { get; } = new();

    public LinkedList<ConcurrencyHolder> Waiting { get; } = new();
}
