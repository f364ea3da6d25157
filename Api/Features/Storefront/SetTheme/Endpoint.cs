using System.Text.Json;
using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Storefront.SetTheme;

/// <summary>PUT /admin/storefront/theme: replaces the theme the storefront is drawn with; answers the stored theme.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, JsonElement>
{
    public override void Configure()
    {
        Put("/admin/storefront/theme");
        Policies(StorePermissions.Policy(StorePermissions.StorefrontWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Replace the storefront theme").ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var stored = await grains.Storefront().SetThemeAsync(req.Theme!.Value.GetRawText());
        using var theme = JsonDocument.Parse(stored);
        await Send.OkAsync(theme.RootElement.Clone(), ct);
    }
}
