using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Results too large for the run event. Hatchet's dispatcher (cleanResults in internal/services/dispatcher/server.go)
/// sends a finished run's results only while they stay under its gRPC message limit: when the outputs alone reach it the
/// event carries none, and the SDK reads them from the REST run details; errors too large for their share are replaced
/// by a fixed text.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class LargeResultTests(DevEngineFixture fixture)
{
    private const int MiB = 1024 * 1024;

    public sealed record In(int Size);

    public sealed record Blob(string Data);

    [Fact]
    public async Task OutputOverTheMessageLimit_FailsTheTaskWithAClearError()
    {
        await using var h = fixture.Harness();
        var big = h.Task<In, Blob>("too-big", (input, _) => Task.FromResult(new Blob(Payload(input.Size))));
        await h.StartWorkerAsync(slots: 2);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => big.RunAsync(new In(5 * MiB)).WaitAsync(Wait));
        Assert.Contains("message limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveMegabyteRunResult_OutputsTogetherPastTheLimit_IsReadThroughTheRestFallback()
    {
        // Each output fits a gRPC message on a default engine (4 MiB, which is also the largest output a worker can
        // report); together they pass the limit, so the event carries no results.
        var logs = new CapturingLoggerFactory();
        await using var h = fixture.Harness(o => o.LoggerFactory = logs);
        var wf = h.Workflow<In>("two-big")
            .Task("left", (input, _) => Task.FromResult(new Blob(Payload(input.Size))))
            .Task("right", (input, _) => Task.FromResult(new Blob(Payload(input.Size + 1))));
        await h.StartWorkerAsync(slots: 2);

        var result = await wf.RunAsync(new In(5 * MiB / 2)).WaitAsync(Wait);

        Assert.Equal(Payload(5 * MiB / 2), result.Get<Blob>("left").Data);
        Assert.Equal(Payload((5 * MiB / 2) + 1), result.Get<Blob>("right").Data);
        Assert.Single(logs.Named("RunResultReadFromRest"));
    }

    [Fact]
    public async Task LargeResultWhoseRestReadFails_ThrowsRunResultUnavailable_NeverADefault()
    {
        // The server URL points at a path the engine does not serve, so the REST read answers 404.
        await using var h = fixture.Harness(o => o.ServerUrl = fixture.Engine.ServerUrl.ToString().TrimEnd('/') + "/nowhere");
        var wf = h.Workflow<In>("unreadable")
            .Task("left", (input, _) => Task.FromResult(new Blob(Payload(input.Size))))
            .Task("right", (input, _) => Task.FromResult(new Blob(Payload(input.Size))));
        await h.StartWorkerAsync(slots: 2);

        var e = await Assert.ThrowsAsync<RunResultUnavailableException>(() => wf.RunAsync(new In(5 * MiB / 2)).WaitAsync(Wait));

        var api = Assert.IsType<HatchetApiException>(e.InnerException);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, api.StatusCode);
        Assert.Contains("/api/v1/stable/workflow-runs/", api.Path, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Engine.Token, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorTooLargeForItsShare_ArrivesAsHatchetsFixedText_WhileOutputsStay()
    {
        // A 64 KiB limit: a 40 KB output and a 30 KB error make 70 KB; the error's share is (64 KiB - 40 KB) / 2. The
        // failing task runs after the other, so the output is there when the run ends.
        await using var h = new HatchetHarness(await HatchetDevEngine.StartAsync(new DevEngineOptions { MaxMessageSize = 64 * 1024 }), ownsEngine: true);
        var wf = h.Workflow<In>("big-error")
            .Task("fine", (_, _) => Task.FromResult(new Blob(Payload(40_000))))
            .Task<Blob>("broken", (_, _) => throw new NonRetryableException(Payload(30_000)), null, "fine");
        await h.StartWorkerAsync(slots: 2);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => wf.RunAsync(new In(0)).WaitAsync(Wait));

        Assert.Contains("Error is too large to send over the Hatchet stream.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Payload(30_000), e.Message, StringComparison.Ordinal);
    }

    /// <summary>Text that differs along its length, so a truncated or shifted copy does not compare equal.</summary>
    private static string Payload(int size) => string.Create(size, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)('a' + (i * 7 % 26));
        }
    });
}
