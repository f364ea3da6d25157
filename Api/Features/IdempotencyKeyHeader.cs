using FluentValidation;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features;

/// <summary>
/// The <c>Idempotency-Key</c> request header (IETF draft-ietf-httpapi-idempotency-key-header): a client's name for one
/// logical request, so that a retry after a lost answer is recognised instead of applied again. The value is taken as
/// sent, an opaque string (the draft's quoted form <c>"…"</c> included); a UUID per request is the usual choice.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Absent, or 1-<see cref="StockAdjustment.MaxKeyLength"/> printable ASCII characters; the failure names the header.</summary>
    public static IRuleBuilderOptions<T, string?> IsIdempotencyKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(key => key is null || StockAdjustment.IsValidKey(key))
            .OverridePropertyName(Name)
            .WithMessage($"The {Name} header has 1-{StockAdjustment.MaxKeyLength} printable ASCII characters, e.g. a UUID.");
}
