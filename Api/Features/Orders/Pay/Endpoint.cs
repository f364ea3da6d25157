using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Orders.Pay;

/// <summary>
/// POST /admin/orders/{orderId}/pay: records a captured payment; the order's units leave on-hand for good.
/// Idempotent once paid. Answers while the store is suspended too.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, OrderResponse>
{
    public override void Configure()
    {
        Post("/admin/orders/{orderId}/pay");
        Policies(StorePermissions.Policy(StorePermissions.OrdersPay));
        // A capture made before the store was suspended is still recorded: refused, the order would expire and its
        // units be sold again while the shopper's money stayed taken. The order only closes; nothing new is sold.
        Options(route => route.WithMetadata(ServesSuspendedStore.Instance));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Record the payment of an order").ProducesProblem(404).ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var order = grains.Order(req.OrderId);
        if (await order.GetAsync() is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("order"));
            return;
        }

        await Send.OkAsync(OrderResponse.From(await order.PayAsync(req.PaymentReference)), ct);
    }
}
