using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Viewer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Samples;

/// <summary>The MageFlow viewer for the demo, on loopback (MAGEFLOW_VIEWER_PORT, else a free port).</summary>
internal static class DemoViewer
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(MageFlowClient mageFlow)
    {
        var port = int.TryParse(Environment.GetEnvironmentVariable("MAGEFLOW_VIEWER_PORT"), out var p) ? p : 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(mageFlow);
        var app = builder.Build();
        app.MapMageflowViewer("/mageflow");
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return (app, new Uri(bound, "/mageflow/"));
    }
}
