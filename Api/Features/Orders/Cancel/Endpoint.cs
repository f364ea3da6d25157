using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Orders.Cancel;

/// <summary>
/// POST /api/orders/{orderId}/cancel: cancels an order pending payment and releases its stock; idempotent. Answers
/// while the store is suspended too.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, OrderResponse>
{
    public override void Configure()
    {
        Post("/api/orders/{orderId}/cancel");
        AllowAnonymous();
        // Closing an order sells nothing and gives its units back sooner than its expiry would, suspended or not.
        Options(route => route.WithMetadata(ServesSuspendedStore.Instance));
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Cancel an order pending payment").ProducesProblem(404).ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var order = grains.Order(req.OrderId);
        if (await order.GetAsync() is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("order"));
            return;
        }

        await Send.OkAsync(OrderResponse.From(await order.CancelAsync()), ct);
    }
}
