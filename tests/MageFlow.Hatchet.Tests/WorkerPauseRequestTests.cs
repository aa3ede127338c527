using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.Protocol;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MageFlow.Hatchet.Tests;

/// <summary>On stop, the worker pauses itself through Hatchet's REST API (<c>PATCH /api/v1/workers/{id}</c>).</summary>
[Collection(SdkCollection.Name)]
public sealed class WorkerPauseRequestTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task StopAsync_ServerUrlOnWireMock_SendsPatchWithBearerTokenAndIsPausedBody()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/v1/workers/*").UsingMethod("PATCH"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"status\":\"PAUSED\"}"));
        var logs = new CapturingLoggerFactory();

        // REST goes to WireMock (trailing slash tolerated); gRPC still goes to the dev engine.
        await using var h = fixture.Harness(o =>
        {
            o.ServerUrl = server.Url + "/";
            o.LoggerFactory = logs;
        });
        h.Task<In, Out>("pausable", (i, _) => Task.FromResult(new Out(i.N)));
        var worker = await h.StartWorkerAsync(slots: 5);
        var workerId = worker.WorkerId;
        Assert.False(string.IsNullOrEmpty(workerId));
        Assert.Empty(server.LogEntries);

        await worker.StopAsync().WaitAsync(Wait);
        await worker.DisposeAsync();

        var entry = Assert.Single(server.LogEntries);
        var request = entry.RequestMessage;
        Assert.Equal("PATCH", request.Method);
        Assert.Equal($"/api/v1/workers/{workerId}", request.Path);
        Assert.Equal($"Bearer {fixture.Engine.Token}", Assert.Single(request.Headers!["Authorization"]));
        Assert.StartsWith("application/json", Assert.Single(request.Headers["Content-Type"]), StringComparison.OrdinalIgnoreCase);
        using var body = JsonDocument.Parse(request.Body!);
        var property = Assert.Single(body.RootElement.EnumerateObject());
        Assert.Equal("isPaused", property.Name);
        Assert.Equal(JsonValueKind.True, property.Value.ValueKind);
        Assert.DoesNotContain(logs.Entries, e => e.EventName == "PauseFailed");
    }

    [Fact]
    public async Task StopAsync_PauseEndpointAnswers500_StopsAnywayAndLogsWithoutToken()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/v1/workers/*").UsingMethod("PATCH"))
            .RespondWith(Response.Create().WithStatusCode(500));
        var logs = new CapturingLoggerFactory();
        await using var h = fixture.Harness(o =>
        {
            o.ServerUrl = server.Url;
            o.LoggerFactory = logs;
        });
        var task = h.Task<In, Out>("pause500", (i, _) => Task.FromResult(new Out(i.N)));
        var worker = await h.StartWorkerAsync(slots: 5);
        Assert.Equal(4, (await task.RunAsync(new In(4)).WaitAsync(Wait)).N);

        await worker.StopAsync().WaitAsync(Wait);
        await worker.DisposeAsync();

        Assert.Single(server.LogEntries);
        var failure = Assert.Single(logs.Entries, e => e.EventName == "PauseFailed");
        Assert.Contains("HTTP 500", failure.Message, StringComparison.Ordinal);
        Assert.Contains(worker.WorkerId!, failure.Message, StringComparison.Ordinal);
        Assert.All(logs.Entries, e => Assert.DoesNotContain(fixture.Engine.Token, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopAsync_AgainstDevEngine_PausesWorkerSoEngineAssignsItNothingUntilUnpaused()
    {
        var logs = new CapturingLoggerFactory();
        await using var h = await HatchetHarness.OnOwnEngineAsync(o => o.LoggerFactory = logs);
        var (engine, client) = (h.Engine, h.Client);
        var task = h.Task<In, Out>("paused", (i, _) => Task.FromResult(new Out(i.N)));
        var worker = await h.StartWorkerAsync(slots: 5);
        var workerId = worker.WorkerId!;
        Assert.Equal(1, (await task.RunAsync(new In(1)).WaitAsync(Wait)).N);

        // The SDK's stop sends the PATCH to the engine's own REST API (server_url from the token).
        await worker.StopAsync().WaitAsync(Wait);
        await worker.DisposeAsync();
        Assert.DoesNotContain(logs.Entries, e => e.EventName == "PauseFailed");

        var run = await task.RunNoWaitAsync(new In(5)).WaitAsync(Wait);
        var assignedBefore = engine.Counters.TasksAssigned;

        // Give the stopped worker a live stream again. Only the pause now keeps it unschedulable: opening the stream
        // (which the first successful heartbeat proves) dispatches queued work at once to a worker that is not paused.
        using var listenCts = new CancellationTokenSource(Wait);
        using var listen = client.Connection.Dispatcher.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: listenCts.Token);
        await HeartbeatOnceStreamIsOpenAsync(client, workerId, listenCts.Token);
        Assert.Equal(assignedBefore, engine.Counters.TasksAssigned);

        using (var http = new HttpClient())
        {
            using var unpause = new HttpRequestMessage(HttpMethod.Patch, new Uri(engine.ServerUrl, $"/api/v1/workers/{workerId}"))
            {
                Content = new StringContent("{\"isPaused\":false}", Encoding.UTF8, "application/json"),
            };
            unpause.Headers.Authorization = new AuthenticationHeaderValue("Bearer", engine.Token);
            using var response = await http.SendAsync(unpause, listenCts.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(listenCts.Token));
            Assert.Equal("ACTIVE", json.RootElement.GetProperty("status").GetString());
        }

        Assert.True(await listen.ResponseStream.MoveNext(listenCts.Token));
        var action = listen.ResponseStream.Current;
        Assert.Equal(ActionType.StartStepRun, action.ActionType);
        Assert.Equal(run.RunId, action.WorkflowRunId);
        Assert.Equal(assignedBefore + 1, engine.Counters.TasksAssigned);

        await client.Connection.Dispatcher.SendStepActionEventAsync(
            new StepActionEvent
            {
                WorkerId = workerId,
                JobId = action.JobId,
                JobRunId = action.JobRunId,
                TaskId = action.TaskId,
                TaskRunExternalId = action.TaskRunExternalId,
                ActionId = action.ActionId,
                EventTimestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                EventType = StepActionEventType.StepEventTypeCompleted,
                EventPayload = "{\"n\":5}",
                RetryCount = action.RetryCount,
            },
            cancellationToken: listenCts.Token);
        Assert.Equal(5, (await run.ResultAsync<Out>().WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task PatchWorker_DevEngineWithoutToken_Answers401WithoutPausing()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>("authpause", (i, _) => Task.FromResult(new Out(i.N)));
        var worker = await h.StartWorkerAsync(slots: 5);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(fixture.Engine.ServerUrl, $"/api/v1/workers/{worker.WorkerId}"))
        {
            Content = new StringContent("{\"isPaused\":true}", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request).WaitAsync(Wait);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // Still serving.
        Assert.Equal(8, (await task.RunAsync(new In(8)).WaitAsync(Wait)).N);
    }

    private static async Task HeartbeatOnceStreamIsOpenAsync(HatchetClient client, string workerId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await client.Connection.Dispatcher.HeartbeatAsync(
                    new HeartbeatRequest { WorkerId = workerId, HeartbeatAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                    cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // The engine has not seen the new stream yet.
                await Task.Yield();
            }
        }
    }
}
