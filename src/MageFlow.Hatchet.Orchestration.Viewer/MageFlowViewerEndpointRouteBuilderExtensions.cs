using MageFlow.Hatchet.Orchestration.Viewer.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.Orchestration.Viewer;

/// <summary>Serves the MageFlow viewer from any ASP.NET Core app.</summary>
public static class MageFlowViewerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the viewer under a path: the page at <c>{pattern}/</c>, its embedded files under <c>{pattern}/assets/</c>, and
    /// the JSON API under <c>{pattern}/api/</c> (<c>flows</c>, <c>nodes/{id}</c>, <c>config</c>, and, when actions are
    /// enabled, <c>POST nodes/{id}/{action}</c>). It is read-only unless <see cref="MageFlowViewerOptions.EnableActions"/>
    /// is set with an authorization hook. Chain <c>RequireAuthorization</c> on the result to protect reading too.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">Where to serve it, <c>/mageflow</c> by default.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The group of the viewer's endpoints.</returns>
    public static RouteGroupBuilder MapMageflowViewer(this IEndpointRouteBuilder endpoints, string pattern = "/mageflow", Action<MageFlowViewerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var options = new MageFlowViewerOptions();
        configure?.Invoke(options);
        options.Validate();
        var api = new ViewerApi(options);
        var group = endpoints.MapGroup(pattern.TrimEnd('/'));
        group.MapGet("/", (HttpContext http) =>
        {
            // Relative asset and API paths in the page need the trailing slash.
            if (!http.Request.Path.Value!.EndsWith('/'))
            {
                return Results.Redirect(http.Request.PathBase + http.Request.Path + "/" + http.Request.QueryString);
            }

            return EmbeddedAssets.Serve("index.html");
        });
        group.MapGet("/assets/{name}", (string name) => EmbeddedAssets.Serve(name));
        group.MapGet("/api/config", () => Results.Json(api.Config(), ViewerJson.Options));
        group.MapGet("/api/flows", (HttpRequest request) => api.ListAsync(request.HttpContext));
        group.MapGet("/api/nodes/{id}", (HttpContext http, string id) => api.NodeAsync(http, id));
        group.MapPost("/api/nodes/{id}/{action}", (HttpContext http, string id, string action) => api.ActAsync(http, id, action));
        group.MapFallback("/api/{**rest}", (string rest) => Results.Json(new { error = $"no viewer API at '{rest}'" }, ViewerJson.Options, statusCode: 404));
        return group;
    }
}
