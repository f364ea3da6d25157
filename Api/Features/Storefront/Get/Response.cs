using System.Text.Json;

namespace MultiStore.Api.Features.Storefront.Get;

/// <summary>What a storefront needs to draw itself: the store's name, theme, currency and zones.</summary>
/// <param name="Theme">The store's theme JSON object (colours, fonts, section layout), as the store set it.</param>
public sealed record Response(string Name, JsonElement Theme, string Currency, string DefaultZone, IReadOnlyList<string> Zones);
