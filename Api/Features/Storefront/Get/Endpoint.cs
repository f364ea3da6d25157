using System.Text.Json;
using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Storefront.Get;

/// <summary>GET /api/storefront: the store's storefront settings for the Host (theme, name, currency, zones).</summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api/storefront");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("The storefront's theme and settings").ProducesProblem(404));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var profileRead = grains.Store().GetAsync();
        var themeRead = grains.Storefront().GetThemeAsync();
        var settingsRead = grains.Catalog().GetSettingsAsync();
        var warehouse = await grains.Warehouse().GetAsync();
        var profile = await profileRead;
        if (profile is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("store"));
            return;
        }

        using var theme = JsonDocument.Parse(LiveStoreSettings.Theme(profile, await themeRead));
        await Send.OkAsync(
            new Response(profile.Name, theme.RootElement.Clone(), (await settingsRead).Currency, warehouse.DefaultZone, [.. warehouse.Zones.Select(zone => zone.Id)]),
            ct);
    }
}
