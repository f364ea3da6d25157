using System.Text.Json;
using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Onboarding;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Platform.CreateTenant;

/// <summary>
/// POST /platform/tenants: onboards a store and binds its domains, in one call: with brand colours (into the theme),
/// catalog settings and a category template, the store is live and stocked when this answers.
/// </summary>
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
        var onboarding = new OnboardingOptions(req.BrandColors, req.Template, req.SkuPrefix, req.Currency);
        var theme = StoreOnboarding.Theme(req.Theme is { ValueKind: JsonValueKind.Object } value ? value.GetRawText() : "{}", onboarding);
        if (theme.Length > RequestValidator.MaxThemeLength)
        {
            // Brand colours and the template's defaults are added to the operator's theme, and characters outside
            // the Basic Multilingual Plane (emoji) are stored escaped: the limit applies to the theme as stored.
            AddError(request => request.Theme, $"The theme, with the brand colours and template added, may have at most {RequestValidator.MaxThemeLength} characters of JSON (an emoji counts 12).");
            ThrowIfAnyErrors();
        }

        var spec = new TenantSpec(req.Id!, req.Name!.Trim(), [.. req.Domains!.Select(RequestValidator.Normalize)], theme, onboarding.Filling);
        var profile = await platform.OnboardAsync(spec, onboarding, User.ActorName(), ct);
        await Send.ResponseAsync(TenantResponse.From(profile), StatusCodes.Status201Created, ct);
    }
}
