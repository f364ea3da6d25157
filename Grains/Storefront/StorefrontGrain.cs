using System.Text.Json;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Storefront;

namespace MultiStore.Grains.Storefront;

/// <summary>What a storefront persists.</summary>
[GenerateSerializer, Alias("multistore.StorefrontState")]
public sealed class StorefrontState
{
    /// <summary>The theme as compact JSON; null until set.</summary>
    [Id(0)] public string? ThemeJson { get; set; }
}

/// <summary>A store's storefront settings.</summary>
public sealed class StorefrontGrain([PersistentState("storefront", StorageNames.Store)] IPersistentState<StorefrontState> storefront)
    : Grain, IStorefrontGrain
{
    /// <summary>The largest theme accepted (the same bound as onboarding's).</summary>
    public const int MaxThemeLength = 16 * 1024;

    /// <inheritdoc />
    public Task<string?> GetThemeAsync() => Task.FromResult(storefront.State.ThemeJson);

    /// <inheritdoc />
    public async Task<string> SetThemeAsync(string themeJson)
    {
        var normalized = Normalize(themeJson);
        if (normalized != storefront.State.ThemeJson)
        {
            var previous = storefront.State;
            storefront.State = new StorefrontState { ThemeJson = normalized };
            try
            {
                await storefront.WriteStateAsync();
            }
            catch
            {
                // Put back for the rest of this activation's life; the failure filter then ends it.
                storefront.State = previous;
                throw;
            }
        }

        return normalized;
    }

    /// <summary>The theme re-serialized compactly; refused unless it is a JSON object within the size bound.</summary>
    public static string Normalize(string? themeJson)
    {
        if (themeJson is null || themeJson.Length > MaxThemeLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidTheme, $"A theme is a JSON object of at most {MaxThemeLength} characters.");
        }

        try
        {
            using var document = JsonDocument.Parse(themeJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? JsonSerializer.Serialize(document.RootElement)
                : throw new StoreRuleException(RuleCodes.InvalidTheme, "A theme is a JSON object.");
        }
        catch (JsonException)
        {
            throw new StoreRuleException(RuleCodes.InvalidTheme, "A theme is a JSON object.");
        }
    }
}
