using MageFlow.Hatchet.Orchestration.Signatures;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>What a signature hash says about a signature now, as read in one <c>HGETALL</c>.</summary>
internal sealed record SignatureSnapshot(SignatureKind Kind, string Name, SignatureStatus Status)
{
    public string? Result { get; init; }

    public string? Error { get; init; }

    public string? Run { get; init; }

    public string? RootSwarm { get; init; }

    /// <summary>Reads a snapshot, or returns <see langword="null"/> when the record is missing or not a signature.</summary>
    public static SignatureSnapshot? From(HashEntry[] entries)
    {
        string? Get(string name)
        {
            foreach (var e in entries)
            {
                if (e.Name == name)
                {
                    return e.Value;
                }
            }

            return null;
        }

        if (WireNames.KindOf(Get(Fields.Kind)) is not { } kind || WireNames.StatusOf(Get(Fields.Status)) is not { } status)
        {
            return null;
        }

        return new SignatureSnapshot(kind, Get(Fields.Name) ?? string.Empty, status)
        {
            Result = Get(Fields.Result),
            Error = Get(Fields.Error),
            Run = Get(Fields.Run),
            RootSwarm = Get(Fields.RootSwarm),
        };
    }
}
