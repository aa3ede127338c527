using System.Globalization;
using MageFlow.Hatchet.Orchestration.Signatures;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// The fields every new signature is created with: the one place their list is spelled. Chains and swarms add
/// theirs (<see cref="ChainRecord"/>, <see cref="SwarmRecord"/>).
/// </summary>
internal sealed record SignatureRecord(SignatureKind Kind, string Name, TtlOptions Ttl)
{
    /// <summary>The input field that receives a previous result when none is marked with <see cref="ReturnValueAttribute"/>.</summary>
    public const string DefaultReturnField = "mageflow_results";

    public string Kwargs { get; init; } = "{}";

    public string ReturnField { get; init; } = DefaultReturnField;

    public SignatureStatus Status { get; init; } = SignatureStatus.Pending;

    public IReadOnlyList<string> SuccessCallbacks { get; init; } = [];

    public IReadOnlyList<string> ErrorCallbacks { get; init; } = [];

    /// <summary>Gets the run metadata of a captured plain trigger (JSON object), or <see langword="null"/>.</summary>
    public string? Metadata { get; init; }

    /// <summary>Gets the trigger options of a captured plain trigger (JSON), or <see langword="null"/>.</summary>
    public string? TriggerOptions { get; init; }

    /// <summary>The fields as name/value pairs, in the order scripts receive them.</summary>
    public List<RedisValue> ToFields(bool withKwargs = true)
    {
        var fields = new List<RedisValue>(24)
        {
            Fields.Kind, WireNames.Of(Kind), Fields.Name, Name, Fields.ReturnField, ReturnField,
            Fields.Status, WireNames.Of(Status), Fields.Parent, string.Empty,
            Fields.SuccessCallbacks, string.Join(",", SuccessCallbacks), Fields.ErrorCallbacks, string.Join(",", ErrorCallbacks),
            Fields.ActiveTtl, Seconds(Ttl.Active), Fields.DoneTtl, Seconds(Ttl.Done),
        };
        if (withKwargs)
        {
            fields.Add(Fields.Kwargs);
            fields.Add(Kwargs);
        }

        if (Diagnostics.SignatureTraceContext.WithCurrent(Metadata) is { } metadata)
        {
            fields.Add(Fields.Metadata);
            fields.Add(metadata);
        }

        if (TriggerOptions is not null)
        {
            fields.Add(Fields.TriggerOptions);
            fields.Add(TriggerOptions);
        }

        return fields;
    }

    public static string Seconds(TimeSpan t) => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
