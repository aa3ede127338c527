using Grpc.Core;
using Grpc.Core.Interceptors;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Hosting;

/// <summary>Requires <c>authorization: bearer &lt;token&gt;</c> minted by this engine on every call.</summary>
internal sealed class AuthInterceptor(TokenService tokens, ILogger<AuthInterceptor> log) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        var problem = header is null
            ? "missing authorization metadata; send 'authorization: bearer <HATCHET_CLIENT_TOKEN>'"
            : tokens.Validate(TokenService.FromAuthorizationHeader(header));
        if (problem is not null)
        {
            Log.Unauthenticated(log, context.Method, problem);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid auth token: " + problem));
        }
    }
}
