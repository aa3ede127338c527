using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Orchestration.Tracking;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>What signatures, root tasks and the worker-side wrapper of one MageFlow instance share.</summary>
internal sealed class MageFlowServices
{
    public required HatchetClient Client { get; init; }

    public required MageFlowOptions Options { get; init; }

    public required RedisKeys Keys { get; init; }

    public required BucketChooser Buckets { get; init; }

    public required ScriptRunner Runner { get; init; }

    public required MageFlowScripts Scripts { get; init; }

    public required PublishQueue Publishing { get; init; }

    public required FinishWaiter Waiter { get; init; }

    public required RunCanceller Canceller { get; init; }

    public required ILogger Log { get; init; }

    public TimeProvider Time => Client.Options.TimeProvider;

    public JsonSerializerOptions Json => Client.Options.JsonSerializerOptions;

    /// <summary>Carries out what a script asked for: cancels its runs through the engine, then publishes what it queued.</summary>
    public async Task ApplyAsync(State.Scripts.ScriptReply reply, CancellationToken cancellationToken)
    {
        await Canceller.CancelAsync(reply.RunsToCancel, cancellationToken).ConfigureAwait(false);
        await Publishing.PublishAsync(reply.Queued, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serializes a message or bound input with the client's JSON options; a string is taken as JSON already.</summary>
    public string Serialize(object? value) =>
        value switch
        {
            null => "{}",
            string s => s,
            _ => JsonSerializer.Serialize(value, value.GetType(), Json),
        };

    /// <summary>The engine name of a task given by name: namespace applied, lower case.</summary>
    public string EngineName(string name) => (Client.Namespace + name.Trim()).ToLowerInvariant();

    /// <summary>
    /// The input field of a C# task that receives a previous result: the property marked <see cref="ReturnValueAttribute"/>,
    /// else a property named <c>MageflowResults</c> (or <c>MageFlowResults</c>), each under its JSON name as the client's
    /// naming writes it; else <c>mageflow_results</c>, the wire name Python and TypeScript tasks read.
    /// </summary>
    public string ReturnFieldOf(Type inputType)
    {
        var properties = inputType.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var property = properties.FirstOrDefault(p => p.GetCustomAttribute<ReturnValueAttribute>() is not null)
            ?? properties.FirstOrDefault(p => string.Equals(p.Name, "MageflowResults", StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            return SignatureRecord.DefaultReturnField;
        }

        return property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? Json.PropertyNamingPolicy?.ConvertName(property.Name)
            ?? property.Name;
    }
}
