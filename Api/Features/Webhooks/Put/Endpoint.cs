using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Webhooks.Put;

/// <summary>
/// PUT /admin/webhooks <c>{url}</c>: sets the store's webhook and answers a newly generated secret, once. Setting it
/// again rotates the secret. Owner only (webhooks.manage).
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Put("/admin/webhooks");
        Policies(StorePermissions.Policy(StorePermissions.WebhooksManage));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Set the store's low-stock webhook; answers its new secret once").ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(Response.From(await grains.Alerts().SetWebhookAsync(req.Url!)), ct);
    }
}
