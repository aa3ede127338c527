using Polly;
using Polly.Retry;

namespace MageFlow.Hatchet.Resilience;

/// <summary>
/// How an operation is retried: exponential backoff with jitter, the one retry vocabulary of the SDK and of
/// MageFlow (engine calls, step events, stream reconnects, Redis scripts). Each owner builds its pipeline once.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets how many times a failed attempt is retried; 0 disables retries.</summary>
    /// <value>The default value is 5.</value>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the first retry; later retries double it (with jitter).</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest delay between two attempts.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public RetryOptions Clone() => (RetryOptions)MemberwiseClone();

    /// <summary>Builds the pipeline these options describe. Build it once and reuse it: pipelines are thread-safe.</summary>
    /// <param name="shouldRetry">Which failures are transient.</param>
    /// <param name="timeProvider">The clock the delays run on.</param>
    /// <param name="onRetry">Called before each retry (for logging), or <see langword="null"/>.</param>
    /// <returns>The pipeline; <see cref="ResiliencePipeline.Empty"/> when retries are disabled.</returns>
    public ResiliencePipeline ToPipeline(Func<Exception, bool> shouldRetry, TimeProvider timeProvider, Func<OnRetryArguments<object>, ValueTask>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(shouldRetry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (MaxRetryAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Delay,
                MaxDelay = MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && shouldRetry(e)),
                OnRetry = onRetry,
            })
            .Build();
    }

    /// <summary>Lists what is wrong with these options, for the validation of the options that hold them.</summary>
    /// <param name="owner">The property that holds them, such as <c>HatchetClientOptions.Retry</c>.</param>
    /// <returns>The problems; empty when valid.</returns>
    public IEnumerable<string> GetValidationErrors(string owner)
    {
        if (MaxRetryAttempts < 0)
        {
            yield return $"{owner}.MaxRetryAttempts must not be negative.";
        }

        if (Delay <= TimeSpan.Zero || MaxDelay < Delay)
        {
            yield return $"{owner} needs a positive Delay and a MaxDelay no shorter than it.";
        }
    }
}
