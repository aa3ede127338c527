using System.Text.Json;
using System.Text.Json.Nodes;
using System.Globalization;
using System.Text.RegularExpressions;
using MageFlow.Hatchet.DevEngine.Core.Workflows;
using WireConcurrency = MageFlow.Hatchet.Protocol.V1.Concurrency;
using WireStrategy = MageFlow.Hatchet.Protocol.V1.ConcurrencyLimitStrategy;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>
/// A concurrency limit of a workflow or task. The dev engine evaluates the simple expression forms SDKs
/// generate (<c>input.field</c>, <c>additional_metadata.key</c>, string literals) instead of full CEL.
/// </summary>
internal sealed partial class ConcurrencyRule
{
    private readonly string[] _path;
    private readonly bool _fromMetadata;
    private readonly string? _constant;
    private readonly Dictionary<string, ConcurrencyGroup> _groups = new(StringComparer.Ordinal);

    private ConcurrencyRule(string id, string expression, int maxRuns, ConcurrencyStrategy strategy, string[] path, bool fromMetadata, string? constant)
    {
        Id = id;
        Expression = expression;
        MaxRuns = maxRuns;
        Strategy = strategy;
        _path = path;
        _fromMetadata = fromMetadata;
        _constant = constant;
    }

    /// <summary>Gets the rule's id, unique within the engine (workflow name, task name and position).</summary>
    public string Id { get; }

    /// <summary>Gets the expression as registered, for messages.</summary>
    public string Expression { get; }

    /// <summary>Gets how many holders one group admits at a time.</summary>
    public int MaxRuns { get; }

    /// <summary>Gets what a full group does with a newcomer.</summary>
    public ConcurrencyStrategy Strategy { get; }

    /// <summary>Reads a limit from a <c>PutWorkflow</c> request, rejecting what Hatchet rejects and what the dev engine cannot evaluate.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="c">The limit as sent.</param>
    /// <param name="owner">The workflow or task, for the dev engine's own error messages.</param>
    /// <param name="field">The limit's path in Hatchet's <c>CreateWorkflowVersionOpts</c>, for Hatchet's validation message.</param>
    /// <returns>The rule.</returns>
    public static ConcurrencyRule Parse(string id, WireConcurrency c, string owner, string field)
    {
        var expression = c.Expression?.Trim() ?? string.Empty;
        if (expression.Length == 0)
        {
            throw EngineErrors.Invalid($"{owner}: concurrency expression must not be empty");
        }

        if (c.HasMaxRunsExpression)
        {
            throw EngineErrors.Invalid($"{owner}: concurrency max_runs_expression '{c.MaxRunsExpression}' is not supported by the dev engine; set max_runs instead");
        }

        var maxRuns = c.HasMaxRuns ? c.MaxRuns : 1;
        if (maxRuns < 1)
        {
            throw EngineErrors.Invalid($"{owner}: concurrency max_runs must be at least 1, got {maxRuns}");
        }

        // Hatchet's validator allows three strategies (CreateConcurrencyOpts in pkg/repository/workflow.go); the proto's
        // DROP_NEWEST and QUEUE_NEWEST, and values the engine's proto does not know, are rejected.
        var wireStrategy = c.HasLimitStrategy ? c.LimitStrategy : WireStrategy.CancelInProgress;
        var strategy = wireStrategy switch
        {
            WireStrategy.GroupRoundRobin => ConcurrencyStrategy.WaitForSlot,
            WireStrategy.CancelInProgress => ConcurrencyStrategy.CancelInProgress,
            WireStrategy.CancelNewest => ConcurrencyStrategy.CancelNewest,
            _ => throw EngineErrors.Invalid(ValidationMessage.OneOf(
                field + ".LimitStrategy", "CANCEL_IN_PROGRESS GROUP_ROUND_ROBIN CANCEL_NEWEST", WireName(wireStrategy))),
        };

        var literal = LiteralPattern().Match(expression);
        if (literal.Success)
        {
            return new ConcurrencyRule(id, expression, maxRuns, strategy, [], false, literal.Groups["v"].Value);
        }

        var access = AccessPattern().Match(expression);
        if (!access.Success)
        {
            throw EngineErrors.Invalid(
                $"{owner}: concurrency expression '{expression}' is not supported by the dev engine; it evaluates only input.<field>, additional_metadata.<key> and string literals");
        }

        var root = access.Groups["root"].Value;
        var path = access.Groups["path"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return new ConcurrencyRule(id, expression, maxRuns, strategy, path, root == "additional_metadata", null);
    }

    /// <summary>Evaluates the expression for a run: the group key (empty when the field is missing).</summary>
    /// <param name="run">The run whose input or metadata the expression reads.</param>
    /// <returns>The key.</returns>
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
            null => string.Empty, // an input that is not an object: an event's payload
            _ => node.ToJsonString(),
        };
    }

    /// <summary>Gets the group of a key, creating it on first use. Groups live as long as the rule's workflow version.</summary>
    /// <param name="key">The group key.</param>
    /// <returns>The group.</returns>
    public ConcurrencyGroup GroupFor(string key)
    {
        if (!_groups.TryGetValue(key, out var group))
        {
            _groups[key] = group = new ConcurrencyGroup(this, key);
        }

        return group;
    }

    /// <summary>The strategy as the engine's Go enum prints it: its name when v0.104.7 knows the value, else the number.</summary>
    private static string WireName(WireStrategy strategy) => strategy switch
    {
        WireStrategy.CancelInProgress => "CANCEL_IN_PROGRESS",
        WireStrategy.DropNewest => "DROP_NEWEST",
        WireStrategy.QueueNewest => "QUEUE_NEWEST",
        WireStrategy.GroupRoundRobin => "GROUP_ROUND_ROBIN",
        WireStrategy.CancelNewest => "CANCEL_NEWEST",
        _ => ((int)strategy).ToString(CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^(?:'(?<v>[^']*)'|\"(?<v>[^\"]*)\")$")]
    private static partial Regex LiteralPattern();

    [GeneratedRegex(@"^(?<root>input|additional_metadata)(?<path>(?:\.[A-Za-z_][A-Za-z0-9_\-]*)+)$")]
    private static partial Regex AccessPattern();
}
