using System.Globalization;

namespace MultiStore.Grains.Catalog;

/// <summary>
/// How many decimals a price may have in a currency: its ISO 4217 minor unit (yen and won have none, the Kuwaiti dinar
/// has three fils digits, most currencies two cents digits). The one place a price's decimals are decided, for every
/// path that writes one (product create and update, CSV import, onboarding templates).
/// </summary>
public static class CurrencyMinorUnits
{
    /// <summary>The minor unit of every currency not listed below.</summary>
    public const int Usual = 2;

    /// <summary>The most decimals any currency has (the dinars of <see cref="ThreeDigits"/>).</summary>
    public const int Most = 3;

    // ISO 4217 currencies whose minor unit is not two digits (the list changes rarely: a currency revalued to lose its
    // cents keeps its code, so a store's prices are decided by its code alone).
    private static readonly HashSet<string> NoDigits = new(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDigits = new(StringComparer.Ordinal) { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };

    /// <summary>The decimals of <paramref name="currency"/> (an ISO 4217 code such as <c>EUR</c>).</summary>
    public static int Of(string currency) =>
        NoDigits.Contains(currency) ? 0 : ThreeDigits.Contains(currency) ? Most : Usual;

    /// <summary>True when <paramref name="amount"/> is written in whole minor units of <paramref name="currency"/> (<c>1234</c> yen, <c>1.234</c> dinars).</summary>
    public static bool Allows(decimal amount, string currency) => decimal.Round(amount, Of(currency)) == amount;

    /// <summary>An amount to the nearest minor unit (halves away from zero, as prices are rounded by hand): for prices not written in the currency, such as a template's.</summary>
    public static decimal Round(decimal amount, string currency) => decimal.Round(amount, Of(currency), MidpointRounding.AwayFromZero);

    /// <summary>The rule as an admin reads it: "Prices in JPY have no decimals." / "Prices in KWD have at most 3 decimals."</summary>
    public static string Rule(string currency) => Of(currency) switch
    {
        0 => $"Prices in {currency} have no decimals (whole units).",
        var digits => $"Prices in {currency} have at most {digits} decimals.",
    };

    /// <summary>
    /// An amount as text with the currency's decimals (<c>19.90</c>, <c>1234</c>, <c>1.250</c>), or more when it has
    /// more: a price stored before this rule (1234.56 yen) is written as stored, never rounded.
    /// </summary>
    public static string Format(decimal amount, string currency)
    {
        var digits = Of(currency);
        var format = "0." + new string('0', digits) + new string('#', Math.Max(0, CatalogRules.MaxPriceDecimals - digits));
        return amount.ToString(format, CultureInfo.InvariantCulture);
    }
}
