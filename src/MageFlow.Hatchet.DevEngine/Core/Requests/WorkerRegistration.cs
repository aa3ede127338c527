using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Requests;

/// <summary>A worker's <c>Register</c> call.</summary>
/// <param name="Name">The worker's name.</param>
/// <param name="Actions">The action ids it runs.</param>
/// <param name="Slots">The deprecated single slot count, if sent.</param>
/// <param name="SlotConfig">Slots by type (empty when not sent).</param>
/// <param name="Labels">The worker's labels.</param>
internal sealed record WorkerRegistration(
    string Name,
    IReadOnlyList<string> Actions,
    int? Slots,
    IReadOnlyDictionary<string, int> SlotConfig,
    IReadOnlyDictionary<string, LabelValue> Labels);
