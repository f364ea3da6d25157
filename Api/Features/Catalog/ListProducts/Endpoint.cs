using FastEndpoints;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.ListProducts;

/// <summary>GET /api/products?page=&amp;pageSize=&amp;category= (or ?after= for cursor pages): the storefront's product listing (archived products are hidden).</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public const int DefaultPageSize = 24;

    public override void Configure()
    {
        Get("/api/products");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("List products, a page at a time"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var pageSize = req.PageSize ?? DefaultPageSize;
        if (req.After is { } after)
        {
            var next = await grains.Catalog().ListAsync(new ProductQuery(ProductStatus.Active, req.Category, 0, pageSize, after));
            await Send.OkAsync(new Response([.. next.Items.Select(ProductSummary.From)], null, pageSize, next.Total, next.Next), ct);
            return;
        }

        var page = req.Page ?? 1;
        var result = await grains.Catalog().ListAsync(new ProductQuery(ProductStatus.Active, req.Category, (page - 1) * pageSize, pageSize));
        await Send.OkAsync(new Response([.. result.Items.Select(ProductSummary.From)], page, pageSize, result.Total, Next: null), ct);
    }
}
