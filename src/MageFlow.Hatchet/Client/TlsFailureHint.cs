using System.Security.Authentication;
using Grpc.Core;

namespace MageFlow.Hatchet.Client;

/// <summary>
/// Says what a failed TLS handshake most likely means in terms of <c>HATCHET_CLIENT_TLS_*</c>: gRPC reports every
/// such failure as "unavailable", with the reason buried in inner exceptions.
/// </summary>
internal static class TlsFailureHint
{
    /// <summary>The hint for a connection error, or <see langword="null"/> when TLS is off or not the cause.</summary>
    public static string? For(Exception error, HatchetClientOptions options)
    {
        if (options.TlsStrategy == TlsStrategy.None || Causes(error).FirstOrDefault(IsTls) is not { } tls)
        {
            return null;
        }

        var reason = tls.Message.TrimEnd('.');
        if (reason.Contains("remote certificate", StringComparison.OrdinalIgnoreCase))
        {
            var trust = options.TlsRootCaFile is { } ca ? $"the CA in HATCHET_CLIENT_TLS_ROOT_CA_FILE ({ca})" : "the system's trust store (set HATCHET_CLIENT_TLS_ROOT_CA_FILE for a private CA)";
            return $"the TLS handshake failed: the engine's certificate is not trusted by {trust}, or does not name the host (HATCHET_CLIENT_TLS_SERVER_NAME overrides the name checked) ({reason})";
        }

        return options.TlsStrategy == TlsStrategy.Mtls
            ? $"the TLS handshake failed ({reason}): the engine may refuse the client certificate in HATCHET_CLIENT_TLS_CERT_FILE ({options.TlsCertFile}); it must be issued by a CA the engine trusts"
            : $"the TLS handshake failed ({reason}): if the engine requires client certificates (mutual TLS), set HATCHET_CLIENT_TLS_STRATEGY=mtls with HATCHET_CLIENT_TLS_CERT_FILE and HATCHET_CLIENT_TLS_KEY_FILE";
    }

    // Under TLS 1.3 a server that refuses the client's certificate does so after the client's side of the handshake: the
    // client then only sees its TLS stream closed, or the HTTP/2 preface unanswered, while HTTP/2 starts.
    private static bool IsTls(Exception e) =>
        e is AuthenticationException ||
        (e is ObjectDisposedException disposed && disposed.ObjectName.Contains("SslStream", StringComparison.Ordinal)) ||
        e.Message.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal) ||
        e.Message.Contains("SSL", StringComparison.Ordinal) || e.Message.Contains("TLS", StringComparison.Ordinal) ||
        e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase);

    // Innermost first: the most specific reason is the deepest one.
    private static List<Exception> Causes(Exception error)
    {
        var chain = new List<Exception>();
        var queue = new Queue<Exception>([error]);
        while (queue.Count > 0 && chain.Count < 20)
        {
            var e = queue.Dequeue();
            chain.Add(e);
            if (e.InnerException is { } inner)
            {
                queue.Enqueue(inner);
            }

            if (e is RpcException { Status.DebugException: { } debug })
            {
                queue.Enqueue(debug);
            }

            if (e is AggregateException aggregate)
            {
                foreach (var x in aggregate.InnerExceptions)
                {
                    queue.Enqueue(x);
                }
            }
        }

        chain.Reverse();
        return chain;
    }
}
