using System.Collections;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>The <c>HATCHET_CLIENT_*</c> variables the options read, a snapshot of the process environment by default. A
/// service of its own so tests can give their own without touching the process-wide environment.</summary>
internal sealed class HatchetEnvironment(IReadOnlyDictionary<string, string> variables)
{
    public IReadOnlyDictionary<string, string> Variables { get; } = variables;

    public static HatchetEnvironment FromProcess()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && k.StartsWith("HATCHET_CLIENT_", StringComparison.Ordinal) && e.Value is string v)
            {
                result[k] = v;
            }
        }

        return new HatchetEnvironment(result);
    }
}
