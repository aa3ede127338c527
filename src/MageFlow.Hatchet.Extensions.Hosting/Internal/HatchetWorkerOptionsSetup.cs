using System.Globalization;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// Fills a hosted worker's options (named after the worker) from <c>Hatchet:Workers:&lt;name&gt;</c>. A hosted worker
/// drains for as long as the host allows: its <see cref="HatchetWorkerOptions.DrainTimeout"/> starts infinite, so the
/// host's shutdown timeout decides when running tasks are cancelled.
/// </summary>
internal sealed class HatchetWorkerOptionsSetup(IConfiguration? configuration = null) : IConfigureNamedOptions<HatchetWorkerOptions>
{
    private static readonly string[] Keys = ["Slots", "HeartbeatInterval", "DrainTimeout", "Labels:*"];

    public void Configure(HatchetWorkerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, HatchetWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        options.Name = name;
        options.DrainTimeout = Timeout.InfiniteTimeSpan;
        var settings = new LayeredSettings([]);
        settings.AddSection(configuration?.GetSection($"{HatchetClientOptionsSetup.SectionName}:Workers:{name}"), Keys);
        options.Slots = settings.Int("Slots") ?? options.Slots;
        options.HeartbeatInterval = settings.Duration("HeartbeatInterval") ?? options.HeartbeatInterval;
        options.DrainTimeout = settings.Duration("DrainTimeout") ?? options.DrainTimeout;
        foreach (var (key, value) in settings.Under("Labels:"))
        {
            // Configuration values are text: a whole number becomes an int label, as the engine matches on either.
            options.Labels[key] = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : value;
        }

        BindingErrors.Set(options, settings.Errors);
    }
}
