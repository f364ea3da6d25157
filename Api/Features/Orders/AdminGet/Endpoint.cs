using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Orders.AdminGet;

/// <summary>GET /admin/orders/{orderId}: an order as support and owners see it; answers while the store is
/// suspended too.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, OrderResponse>
{
    public override void Configure()
    {
        Get("/admin/orders/{orderId}");
        Policies(StorePermissions.Policy(StorePermissions.OrdersRead));
        // Support reads the order whose payment they record during a suspension (the pay route answers then too).
        Options(route => route.WithMetadata(ServesSuspendedStore.Instance));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Read an order (support)").ProducesProblem(404));
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
