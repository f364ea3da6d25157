using System.Globalization;
using FastEndpoints;
using Microsoft.Extensions.Primitives;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Dates in a query, route or header are read as <c>yyyy-MM-dd</c> only. The default binder parses them by culture:
/// <c>01/02/2026</c> is January 2nd in one and February 1st in another, and <c>2026-01-05T23:00</c> silently loses
/// its time, so a date not written as documented would read a range nobody asked for. An empty value (<c>?to=</c>,
/// what a form sends for a blank field) is absent, as an empty number is, where the binder read it as year 1.
/// </summary>
public static class IsoDateBinding
{
    public const string Format = "yyyy-MM-dd";

    public static void UseIsoDates(this BindingOptions binding)
    {
        binding.ValueParserFor<DateOnly>(value => Parse(value) is { } date ? new ParseResult(true, date) : new ParseResult(false, null));
        binding.ValueParserFor<DateOnly?>(value => IsEmpty(value)
            ? new ParseResult(true, null)
            : Parse(value) is { } date ? new ParseResult(true, (DateOnly?)date) : new ParseResult(false, null));
    }

    private static bool IsEmpty(StringValues value) => value.Count == 0 || (value.Count == 1 && string.IsNullOrEmpty(value[0]));

    private static DateOnly? Parse(StringValues value) =>
        value.Count == 1 && DateOnly.TryParseExact(value[0], Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
