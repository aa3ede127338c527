using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using Polly;

namespace MageFlow.Hatchet.Rest;

/// <summary>
/// Calls the engine's REST API (<c>/api/v1/...</c>) at the server URL the token names (or
/// <see cref="HatchetClientOptions.ServerUrl"/>), with the client's token. One per client: the connection pool is
/// shared by every call. Idempotent calls (GET, DELETE, and those a caller marks) are retried under
/// <see cref="HatchetClientOptions.Retry"/> on transient failures; others are sent once, since a repeated create could
/// act twice.
/// </summary>
internal sealed class HatchetRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _serverUrl;
    private readonly ResiliencePipeline _retry;

    public HatchetRestClient(HatchetClientOptions options, ResolvedConfig config)
    {
        _serverUrl = config.ServerUrl;
        _retry = options.Retry.ToPipeline(IsTransient, options.TimeProvider);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.TlsStrategy != TlsStrategy.None)
        {
            // The REST API trusts the same private CA as the gRPC channel (an https server URL of a self-hosted engine).
            handler.SslOptions = EngineTls.Build(options, serverName: null);
        }

        _http = new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token!.Trim());
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Gets a value indicating whether a server URL is known, so REST calls can be made at all.</summary>
    public bool IsConfigured => _serverUrl is not null;

    /// <summary>Sends a request and parses the JSON answer.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, starting with <c>/api/</c>.</param>
    /// <param name="jsonBody">The JSON body, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="idempotent">Whether the call may be repeated; <see langword="null"/> decides by method (GET, PUT and DELETE are).</param>
    /// <returns>The parsed answer; dispose it.</returns>
    /// <exception cref="HatchetConfigurationException">No server URL is known.</exception>
    /// <exception cref="HatchetApiException">The engine answered with an error status.</exception>
    /// <exception cref="HttpRequestException">The engine could not be reached.</exception>
    public Task<JsonDocument> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken, bool? idempotent = null) =>
        WithRetryAsync(method, idempotent, async ct =>
        {
            using var response = await SendCoreAsync(method, path, jsonBody, ct).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>Sends a request whose success has no body to read (such as a <c>204</c> of a delete).</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, starting with <c>/api/</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has answered with a success status.</returns>
    /// <exception cref="HatchetConfigurationException">No server URL is known.</exception>
    /// <exception cref="HatchetApiException">The engine answered with an error status.</exception>
    /// <exception cref="HttpRequestException">The engine could not be reached.</exception>
    public Task SendWithoutAnswerAsync(HttpMethod method, string path, CancellationToken cancellationToken) =>
        SendWithoutAnswerAsync(method, path, null, cancellationToken);

    /// <summary>Sends a request with a body whose success has no body to read (such as a <c>204</c> of an update).</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, starting with <c>/api/</c>.</param>
    /// <param name="jsonBody">The JSON body, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="idempotent">Whether the call may be repeated; <see langword="null"/> decides by method (GET, PUT and DELETE are).</param>
    /// <returns>A task that completes when the engine has answered with a success status.</returns>
    /// <exception cref="HatchetConfigurationException">No server URL is known.</exception>
    /// <exception cref="HatchetApiException">The engine answered with an error status.</exception>
    /// <exception cref="HttpRequestException">The engine could not be reached.</exception>
    public Task SendWithoutAnswerAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken, bool? idempotent = null) =>
        WithRetryAsync(method, idempotent, async ct =>
        {
            using var response = await SendCoreAsync(method, path, jsonBody, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>What is worth another attempt: no connection, an HTTP timeout, or a 5xx, 408 or 429 answer.</summary>
    internal static bool IsTransient(Exception e) =>
        e is HttpRequestException or HatchetApiException { IsTransient: true } or TaskCanceledException { InnerException: TimeoutException };

    private async Task<T> WithRetryAsync<T>(HttpMethod method, bool? idempotent, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (!(idempotent ?? (method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete)))
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }

        return await _retry.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        if (_serverUrl is null)
        {
            throw new HatchetConfigurationException(
                "this call needs the engine's REST API, but no server URL is known: the token has no server_url claim; set HATCHET_CLIENT_SERVER_URL");
        }

        using var request = new HttpRequestMessage(method, _serverUrl + path);
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HatchetApiException(method.Method, path, response.StatusCode, body);
            }
        }

        return response;
    }

    public void Dispose() => _http.Dispose();
}
