using FastEndpoints;
using FluentValidation;

namespace MultiStore.Api.Features.Orders.Pay;

public sealed class Request
{
    [RouteParam]
    public string OrderId { get; set; } = string.Empty;

    /// <summary>The payment provider's reference for the captured payment (optional).</summary>
    public string? PaymentReference { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public const int MaxPaymentReferenceLength = 200;

    public RequestValidator()
    {
        RuleFor(request => request.OrderId).IsUuid();
        RuleFor(request => request.PaymentReference).MaximumLength(MaxPaymentReferenceLength).IsPrintable();
    }
}
