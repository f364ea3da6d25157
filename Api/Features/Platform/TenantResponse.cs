using System.Text.Json;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Platform;

/// <summary>A store as the platform sees it; the theme is returned as the JSON object it was given.</summary>
/// <param name="Theme">The theme the storefront is drawn with now (see <see cref="Tenancy.LiveStoreSettings"/>).</param>
/// <param name="Status"><c>active</c> or <c>suspended</c>.</param>
/// <param name="DefaultZone">The store's default zone now (its warehouse's), as carts use it.</param>
public sealed record TenantResponse(
    string Id,
    string Name,
    IReadOnlyList<string> Domains,
    JsonElement Theme,
    string Status,
    string DefaultZone,
    DateTimeOffset CreatedAt)
{
    /// <summary>The answer for <paramref name="profile"/>, which must carry the live settings (<see cref="Tenancy.LiveStoreSettings"/>).</summary>
    public static TenantResponse From(TenantProfile profile)
    {
        using var theme = JsonDocument.Parse(string.IsNullOrWhiteSpace(profile.ThemeJson) ? "{}" : profile.ThemeJson);
        return new TenantResponse(
            profile.Id,
            profile.Name,
            profile.Domains,
            theme.RootElement.Clone(),
            profile.Status == TenantStatus.Active ? "active" : "suspended",
            profile.DefaultZone,
            profile.CreatedAt);
    }
}
