using System.Text.Json;
using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Platform.CreateTenant;

/// <summary>POST /platform/tenants: onboards a store and binds its domains.</summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, TenantResponse>
{
    public override void Configure()
    {
        Post("/platform/tenants");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint
            .WithTags("Platform")
            .WithSummary("Onboard a store")
            .Produces<TenantResponse>(StatusCodes.Status201Created)
            .ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var theme = req.Theme is { ValueKind: JsonValueKind.Object } value ? value.GetRawText() : "{}";
        var spec = new TenantSpec(req.Id!, req.Name!.Trim(), [.. req.Domains!.Select(RequestValidator.Normalize)], theme);
        var profile = await platform.CreateAsync(spec, User.ActorName());
        await Send.ResponseAsync(TenantResponse.From(profile), StatusCodes.Status201Created, ct);
    }
}
