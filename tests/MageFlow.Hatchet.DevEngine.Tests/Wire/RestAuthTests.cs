using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Wire;

/// <summary>Every REST path is checked before its handler: a bad token is 401, a tenant other than the engine's 404,
/// both in Hatchet's JSON error shape.</summary>
[Collection(EngineCollection.Name)]
public sealed class RestAuthTests(EngineFixture fixture)
{
    [Fact]
    public async Task TenantPath_BadTokenIs401_OtherTenantIs404_EngineTenantIs200()
    {
        using var http = new HttpClient { BaseAddress = fixture.Engine.ServerUrl };
        var path = "/api/v1/tenants/{0}/workflows";

        using var badToken = new HttpRequestMessage(HttpMethod.Get, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, fixture.Engine.TenantId));
        badToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        using var unauthorized = await http.SendAsync(badToken);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("invalid auth token", await ErrorOf(unauthorized), StringComparison.Ordinal);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Engine.Token);
        var other = Guid.NewGuid().ToString();
        using var notFound = await http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, other));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal($"tenant '{other}' not found", await ErrorOf(notFound));

        using var ok = await http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, fixture.Engine.TenantId));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task PathWithoutTenant_BadTokenIs401()
    {
        using var http = new HttpClient { BaseAddress = fixture.Engine.ServerUrl };
        using var response = await http.GetAsync($"/api/v1/stable/workflow-runs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("errors")[0].GetProperty("description").GetString()!;
    }
}
