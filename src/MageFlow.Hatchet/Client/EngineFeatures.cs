namespace MageFlow.Hatchet.Client;

/// <summary>
/// What the connected engine supports, from the version it reports (<c>Dispatcher/GetVersion</c>, read once per
/// client). An older engine silently drops protocol fields it does not know, so options that need a newer one are
/// refused before they are sent. The official SDKs gate their newer paths on the same call.
/// </summary>
internal sealed class EngineFeatures
{
    /// <summary>The newest engine version this SDK's behaviour is checked against (hatchet-dev/hatchet v0.104.7).</summary>
    public static readonly Version Baseline = new(0, 104, 7);

    private EngineFeatures(string reported, Version? version)
    {
        Reported = reported;
        Version = version;
    }

    /// <summary>Gets the version as the engine reported it.</summary>
    public string Reported { get; }

    /// <summary>Gets the parsed version (a pre-release counts as its release), or <see langword="null"/> when it could
    /// not be parsed: then nothing newer than the baseline is assumed.</summary>
    public Version? Version { get; }

    /// <summary>Gets a value indicating whether the engine knows the concurrency fields and strategies added after
    /// v0.104.7 (<c>Concurrency.name</c>, <c>is_tenant_scoped</c>, <c>max_runs_expression</c>, strategies 5 and 6).</summary>
    public bool NewerConcurrencyOptions => Version is { } v && v > Baseline;

    /// <summary>The first engine version serving the durable event-log stream (<c>DurableTask</c>, with eviction), where the
    /// TypeScript SDK 1.33.2 switches to it (<c>MinEngineVersion.DURABLE_EVICTION</c> in v1/client/worker/engine-version.js).</summary>
    public static readonly Version DurableEventLogSince = new(0, 80, 0);

    /// <summary>Gets a value indicating whether durable tasks use the event-log stream rather than
    /// <c>RegisterDurableEvent</c>/<c>ListenForDurableEvent</c>; an unparsed version counts as older, as in TypeScript.</summary>
    public bool DurableEventLog => Version is { } v && v >= DurableEventLogSince;

    /// <summary>Parses a reported version such as <c>v0.104.7</c> or <c>0.105.0-rc.1</c>.</summary>
    /// <param name="reported">What the engine reported.</param>
    /// <returns>The features.</returns>
    public static EngineFeatures From(string reported)
    {
        var text = reported.Trim().TrimStart('v', 'V');
        var end = text.IndexOfAny(['-', '+']);
        var core = end >= 0 ? text[..end] : text;
        return new EngineFeatures(reported, System.Version.TryParse(core, out var v) && v.Build >= 0 ? v : null);
    }
}
