using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Stock.Adjust;

public sealed class Request
{
    [RouteParam]
    public string Sku { get; set; } = string.Empty;

    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>Units to add (positive) or remove (negative); never 0.</summary>
    [Required]
    public int? Delta { get; set; }

    /// <summary>Why (kept in the stock ledger): "delivery", "damaged", "recount".</summary>
    [Required]
    public string? Reason { get; set; }

    /// <summary>
    /// What kind of change this is, optional: <c>receive</c>, <c>correction</c>, <c>damage</c> or <c>return</c>.
    /// The ledger line's reason then reads <c>kind: reason</c>.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The optional <c>Idempotency-Key</c> header: a retry with the same key and the same delta and ledger reason
    /// (<c>kind: reason</c>, as recorded) applies nothing and answers the current level; with another it is refused
    /// (422). Keys are
    /// per stock entry and remembered for a day (at most the entry's last 1,000). Taken from the header only: a body
    /// field of that name is refused (see <c>HeaderBoundProperties</c>) and the query string is not read.
    /// </summary>
    [FromHeader(IdempotencyKeyHeader.Name, IsRequired = false)]
    [Description("Optional. Makes a retry safe: the same key with the same delta, reason and kind applies nothing and answers the current level (200); with a different one it is refused (422). 1-100 printable ASCII characters, e.g. a UUID; remembered per stock entry for 24 hours (at most the last 1,000 keys).")]
    [DontBind(Source.QueryParam | Source.RouteParam | Source.FormField)]
    public string? IdempotencyKey { get; set; }
}

/// <summary>The typed kinds of an admin's stock adjustment.</summary>
public static class AdjustmentKinds
{
    public static IReadOnlyList<string> All { get; } = ["receive", "correction", "damage", "return"];
}

public sealed class RequestValidator : Validator<Request>
{
    public const int MaxReasonLength = 200;

    public RequestValidator()
    {
        RuleFor(request => request.Sku).IsSku();
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.Delta).NotNull().NotEqual(0).InclusiveBetween(-IdRules.MaxQuantity, IdRules.MaxQuantity);
        RuleFor(request => request.Reason).NotEmpty().MaximumLength(MaxReasonLength).Must(reason => !string.IsNullOrWhiteSpace(reason))
            .WithMessage($"Give a reason of 1-{MaxReasonLength} characters.");
        RuleFor(request => request.Reason).IsPrintable();
        RuleFor(request => request.IdempotencyKey).IsIdempotencyKey();
        RuleFor(request => request.Kind).Must(kind => kind is null || AdjustmentKinds.All.Contains(kind))
            .WithMessage($"Use one of: {string.Join(", ", AdjustmentKinds.All)}.");
        RuleFor(request => request).Must(request => request.Kind is null || request.Reason is null || request.Kind.Length + 2 + request.Reason.Trim().Length <= MaxReasonLength)
            .WithName("reason").WithMessage($"Kind and reason together have at most {MaxReasonLength} characters.");
    }
}
