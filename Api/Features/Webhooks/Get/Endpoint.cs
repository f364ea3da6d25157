using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Webhooks.Get;

/// <summary>GET /admin/webhooks: where the store's alerts go (the secret is never shown again).</summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/admin/webhooks");
        Policies(StorePermissions.Policy(StorePermissions.WebhooksManage));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("The store's low-stock webhook, without its secret"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var webhook = await grains.Alerts().GetWebhookAsync();
        await Send.OkAsync(new Response(webhook?.Url, webhook?.CreatedAt), ct);
    }
}
