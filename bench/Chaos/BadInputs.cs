using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// Sends one malformed input and checks it got its clear error at the right place: the engine's status for what
/// reaches the wire (invalid JSON, invalid UTF-8, a 5 MB message, an unknown task), the task run's failure for
/// input of the wrong type. A transient answer (the engine paused, a stream cut) is retried: it says nothing about
/// the input. Returns <see langword="null"/> when the expected error came, else what happened instead.
/// </summary>
internal sealed class BadInputs(HatchetClient client, Uri grpcAddress, string token)
{
    private static readonly Method<byte[], byte[]> RawTrigger = new(
        MethodType.Unary, "WorkflowService", "TriggerWorkflow", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    public async Task<string?> SendAsync(BadInputKind kind)
    {
        try
        {
            // A hang guard: the wrong-types run is awaited, and a run that never ends is an answer too.
            return await SendUntilAnsweredAsync(kind).WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            return "no answer within 5 minutes";
        }
    }

    private async Task<string?> SendUntilAnsweredAsync(BadInputKind kind)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(kind);
            }
            catch (Exception e) when (attempt < 300 && IsTransient(e))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task<string?> SendOnceAsync(BadInputKind kind)
    {
        switch (kind)
        {
            case BadInputKind.InvalidJson:
                return await ExpectStatusAsync(() => RawAsync(new TriggerWorkflowRequest { Name = "chaos-leaf", Input = "{\"x\": 1," }.ToByteArray()), StatusCode.InvalidArgument);
            case BadInputKind.InvalidUtf8Metadata:
                // Protobuf strings must be UTF-8, so the bytes are written by hand: field 7 (additional_metadata).
                var body = new TriggerWorkflowRequest { Name = "chaos-leaf", Input = "{\"x\":1}" }.ToByteArray();
                byte[] metadata = [.. "{\"k\":\""u8, 0xC3, 0x28, .. "\"}"u8];
                return await ExpectStatusAsync(() => RawAsync([.. body, 0x3A, (byte)metadata.Length, .. metadata]), StatusCode.Internal);
            case BadInputKind.FiveMegabytePayload:
                return await ExpectHatchetStatusAsync(() => client.RunNoWaitAsync("chaos-leaf", new { x = 1, pad = new string('p', 5 * 1024 * 1024) }), StatusCode.ResourceExhausted);
            case BadInputKind.UnknownTaskName:
                // The dev engine answers NOT_FOUND where Hatchet answers INVALID_ARGUMENT (docs/dev-engine.md); both are clear.
                return await ExpectHatchetStatusAsync(() => client.RunNoWaitAsync("chaos-no-such-task", new { x = 1 }), StatusCode.NotFound, StatusCode.InvalidArgument);
            case BadInputKind.WrongTypes:
                try
                {
                    var output = await client.RunAsync<JsonElement>("chaos-leaf", new { x = "not a number" });
                    return "a leaf with x = \"not a number\" succeeded: " + output.GetRawText();
                }
                catch (TaskRunFailedException e)
                {
                    var error = string.Join("; ", e.Errors.Values);
                    return error.Contains("$.x", StringComparison.Ordinal) ? null : "the run failed without naming $.x: " + error;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private async Task<byte[]> RawAsync(byte[] request)
    {
        using var channel = GrpcChannel.ForAddress(grpcAddress);
        var headers = new Metadata { { "authorization", "bearer " + token } };
        return await channel.CreateCallInvoker().AsyncUnaryCall(RawTrigger, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), request);
    }

    private static async Task<string?> ExpectStatusAsync(Func<Task> call, StatusCode expected)
    {
        try
        {
            await call();
            return "accepted";
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
        {
            return e.StatusCode == expected ? null : $"answered {e.StatusCode} ({e.Status.Detail}), expected {expected}";
        }
    }

    private static async Task<string?> ExpectHatchetStatusAsync(Func<Task> call, params StatusCode[] expected)
    {
        try
        {
            await call();
            return "accepted";
        }
        catch (HatchetRpcException e) when (!IsTransient(e))
        {
            return expected.Contains(e.StatusCode) ? null : $"answered {e.StatusCode} ({e.Message}), expected {string.Join(" or ", expected)}";
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        RpcException r => r.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled,
        HatchetRpcException h => h.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled,
        HttpRequestException or IOException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    internal static string Describe(BadInputKind kind) => kind switch
    {
        BadInputKind.InvalidJson => "invalid JSON",
        BadInputKind.WrongTypes => "wrong types",
        BadInputKind.FiveMegabytePayload => "5 MB payload",
        BadInputKind.UnknownTaskName => "unknown task name",
        _ => "invalid UTF-8 in metadata",
    };
}
