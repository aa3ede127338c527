using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary>A real ASP.NET Core app on a loopback port serving the viewer for one MageFlow client, as an app would map it.</summary>
internal sealed class ViewerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ViewerHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    /// <summary>Gets the viewer's address, ending with a slash (<c>http://127.0.0.1:port/mageflow/</c>).</summary>
    public Uri Address { get; }

    public HttpClient Http { get; }

    public static async Task<ViewerHost> StartAsync(MageFlowClient mageFlow, Action<MageFlowViewerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(mageFlow);
        builder.Services.AddAuthorization();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMageflowViewer("/mageflow", configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ViewerHost(app, new Uri(address.TrimEnd('/') + "/mageflow/"));
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<(int Status, string Body)> PostAsync(string path)
    {
        using var response = await Http.PostAsync(path, null);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> NodeAsync(string id, int offset = 0, int limit = 100) =>
        (await GetJsonAsync($"api/nodes/{id}?offset={offset}&limit={limit}")).GetProperty("node");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
