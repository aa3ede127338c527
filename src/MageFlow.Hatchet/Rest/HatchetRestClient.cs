using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Rest;

/// <summary>
/// Calls the engine's REST API (<c>/api/v1/...</c>) at the server URL the token names (or
/// <see cref="HatchetClientOptions.ServerUrl"/>), with the client's token. One per client: the connection pool is
/// shared by every call.
/// </summary>
internal sealed class HatchetRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _serverUrl;

    public HatchetRestClient(HatchetClientOptions options, ResolvedConfig config)
    {
        _serverUrl = config.ServerUrl;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
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
    /// <returns>The parsed answer; dispose it.</returns>
    /// <exception cref="HatchetConfigurationException">No server URL is known.</exception>
    /// <exception cref="HatchetApiException">The engine answered with an error status.</exception>
    /// <exception cref="HttpRequestException">The engine could not be reached.</exception>
    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, jsonBody, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request whose success has no body to read (such as a <c>204</c> of a delete).</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, starting with <c>/api/</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has answered with a success status.</returns>
    /// <exception cref="HatchetConfigurationException">No server URL is known.</exception>
    /// <exception cref="HatchetApiException">The engine answered with an error status.</exception>
    /// <exception cref="HttpRequestException">The engine could not be reached.</exception>
    public async Task SendWithoutAnswerAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, null, cancellationToken).ConfigureAwait(false);
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
