using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MageFlow.Hatchet.DevEngine.Hosting;

/// <summary>
/// Answers a gRPC request that protobuf cannot parse (a string field holding invalid UTF-8, a truncated message) as
/// Hatchet's Go server does: <c>INTERNAL</c>, <c>grpc: error unmarshalling request: …</c>. ASP.NET Core's gRPC server
/// reads the request before any interceptor runs and reports the parser's exception as <c>UNKNOWN</c> ("Exception was
/// thrown by handler"), so the status is rewritten here, on the way out, while it is still in the response headers
/// (a failed unary call is a trailers-only response).
/// </summary>
internal static class UnparsableRequestStatus
{
    private const string ParserFailure = "Exception was thrown by handler. InvalidProtocolBufferException: ";

    public static void UseUnparsableRequestStatus(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (headers["grpc-status"] == "2" && Uri.UnescapeDataString(headers["grpc-message"].ToString()) is var message
                && message.StartsWith(ParserFailure, StringComparison.Ordinal))
            {
                var reason = message.Contains("invalid UTF-8", StringComparison.Ordinal)
                    ? "string field contains invalid UTF-8"
                    : message[ParserFailure.Length..].Split(" DecoderFallbackException")[0];
                headers["grpc-status"] = "13";
                headers["grpc-message"] = Uri.EscapeDataString("grpc: error unmarshalling request: " + reason);
            }

            return Task.CompletedTask;
        });
        await next(context).ConfigureAwait(false);
    });
}
