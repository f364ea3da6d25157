using System.Text.Json;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Platform;

/// <summary>A store as the platform sees it; the theme is returned as the JSON object it was given.</summary>
/// <param name="Status"><c>active</c> or <c>suspended</c>.</param>
public sealed record TenantResponse(
    string Id,
    string Name,
    IReadOnlyList<string> Domains,
    JsonElement Theme,
    string Status,
    string DefaultZone,
    DateTimeOffset CreatedAt)
{
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
