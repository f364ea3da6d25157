using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.GetProduct;

/// <summary>
/// GET /api/products/{handle}?zone=: a product page with availability per zone, read from each variant's stock
/// entries through its SKU index. A zone the store does not have answers 404.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/products/{handle}");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("A product page with availability per zone").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var productRead = grains.Catalog().GetProductAsync(req.Handle);
        var warehouse = await grains.Warehouse().GetAsync();
        var product = await productRead;
        if (product is not { Status: ProductStatus.Active })
        {
            await Send.ResultAsync(ApiProblem.NotFound("product"));
            return;
        }

        var zone = req.Zone ?? warehouse.DefaultZone;
        if (!warehouse.Has(zone))
        {
            await Send.ResultAsync(ApiProblem.NotFound("zone"));
            return;
        }

        var levels = await Task.WhenAll(product.Variants.Select(variant => grains.Sku(variant.Sku).GetLevelsAsync()));
        var variants = product.Variants.Select((variant, index) =>
        {
            var byZone = levels[index].Where(level => level.IsStocked).ToDictionary(level => level.Zone, level => level.Available, StringComparer.Ordinal);
            var zones = warehouse.Zones.Select(candidate => new ZoneAvailability(candidate.Id, byZone.GetValueOrDefault(candidate.Id))).ToList();
            return new VariantAvailability(variant.Sku, variant.Attributes, byZone.GetValueOrDefault(zone), zones);
        });

        await Send.OkAsync(
            new Response(product.Handle, product.Name, product.Category, product.Price, product.Currency, product.Description, zone, [.. variants]),
            ct);
    }
}
