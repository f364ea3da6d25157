using Microsoft.Extensions.Options;
using MultiStore.Grains.Carts;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Hosting;

/// <summary>
/// What one storefront cart may hold (configuration section <c>CartLimits</c>): caps against hoarding stock with
/// bots, well inside the grains' own hard limits (<see cref="IdRules.MaxQuantity"/>, <see cref="CartGrain.MaxLines"/>).
/// </summary>
public sealed class CartLimitsOptions
{
    public const string SectionName = "CartLimits";

    /// <summary>The most units one cart line may hold; more answers 400.</summary>
    public int MaxQuantityPerLine { get; set; } = 100;

    /// <summary>The most lines one cart may hold; a new line beyond it answers 409 <c>cart-full</c>.</summary>
    public int MaxLinesPerCart { get; set; } = 30;
}

public sealed class CartLimitsOptionsValidator : IValidateOptions<CartLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, CartLimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxQuantityPerLine is < 1 or > IdRules.MaxQuantity)
        {
            failures.Add($"{CartLimitsOptions.SectionName}:{nameof(CartLimitsOptions.MaxQuantityPerLine)} must be between 1 and {IdRules.MaxQuantity}.");
        }

        if (options.MaxLinesPerCart is < 1 or > CartGrain.MaxLines)
        {
            failures.Add($"{CartLimitsOptions.SectionName}:{nameof(CartLimitsOptions.MaxLinesPerCart)} must be between 1 and {CartGrain.MaxLines}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class CartLimitsExtensions
{
    public static IServiceCollection AddMultiStoreCartLimits(this IServiceCollection services)
    {
        services.AddOptions<CartLimitsOptions>().BindConfiguration(CartLimitsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CartLimitsOptions>, CartLimitsOptionsValidator>();
        return services;
    }
}
