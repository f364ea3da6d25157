using System.ComponentModel.DataAnnotations;
using FastEndpoints;
using FluentValidation;

namespace MultiStore.Api.Features.Catalog.AddVariant;

public sealed class Request
{
    [RouteParam]
    public string Handle { get; set; } = string.Empty;

    /// <summary>The new variant's attributes, e.g. <c>{"color":"Green","size":"500ml"}</c>.</summary>
    [Required]
    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Handle).IsHandle();
        RuleFor(request => request.Attributes).NotNull().AreAttributes();
    }
}
