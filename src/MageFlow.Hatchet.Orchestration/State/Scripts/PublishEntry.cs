namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>
/// A signature claimed for publishing, with what its run's input is built from (entry() in common.lua writes the
/// values in the order <see cref="Read"/> reads them).
/// </summary>
/// <param name="Id">The signature id.</param>
/// <param name="Status">'ok' (publish it), 'container' (a chain or swarm: start it in Redis), 'adopted' (a run nobody
/// followed: follow it), or why not (missing, published, held, claimed).</param>
/// <param name="Name">The workflow's engine name (or the container's name).</param>
/// <param name="Kwargs">The signature's bound input.</param>
/// <param name="ReturnField">The input field that receives a previous result.</param>
/// <param name="InputMode">How the input is built: 'msg' (a message), 'result' (a previous result) or 'swarm' (a swarm item).</param>
/// <param name="InputValue">The message or result.</param>
/// <param name="ItemMessage">A swarm item's own message.</param>
/// <param name="SwarmMessage">The parent swarm's message.</param>
/// <param name="SwarmKwargs">The parent swarm's bound input.</param>
/// <param name="Metadata">A captured trigger's run metadata (JSON object), or empty.</param>
/// <param name="TriggerOptions">A captured trigger's options (JSON object), or empty.</param>
/// <param name="RunId">The run an adopted signature started as, or empty.</param>
internal sealed record PublishEntry(
    string Id, string Status, string Name, string Kwargs, string ReturnField, string InputMode, string InputValue,
    string ItemMessage, string SwarmMessage, string SwarmKwargs, string Metadata, string TriggerOptions, string RunId)
{
    public static PublishEntry Read(ref ResultReader r) => new(
        r.String(), r.String(), r.String(), r.String(), r.String(), r.String(), r.String(),
        r.String(), r.String(), r.String(), r.String(), r.String(), r.String());
}
