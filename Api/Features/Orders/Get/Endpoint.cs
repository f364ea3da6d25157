using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Orders.Get;

/// <summary>GET /api/orders/{orderId}: the shopper's order; answers while the store is suspended too.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, OrderResponse>
{
    public override void Configure()
    {
        Get("/api/orders/{orderId}");
        AllowAnonymous();
        // A shopper who paid before the store was suspended can still see their order was recorded; it sells nothing.
        Options(route => route.WithMetadata(ServesSuspendedStore.Instance));
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Read an order").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var order = await grains.Order(req.OrderId).GetAsync();
        if (order is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("order"));
            return;
        }

        await Send.OkAsync(OrderResponse.From(order), ct);
    }
}
