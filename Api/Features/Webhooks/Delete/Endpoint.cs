using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Webhooks.Delete;

/// <summary>DELETE /admin/webhooks: removes the webhook and its secret; undelivered alerts are marked failed. Idempotent.</summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete("/admin/webhooks");
        Policies(StorePermissions.Policy(StorePermissions.WebhooksManage));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Remove the store's low-stock webhook").Produces(StatusCodes.Status204NoContent));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await grains.Alerts().RemoveWebhookAsync();
        await Send.NoContentAsync(ct);
    }
}
