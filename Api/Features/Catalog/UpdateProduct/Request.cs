using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Catalog;

namespace MultiStore.Api.Features.Catalog.UpdateProduct;

/// <summary>Only the fields given change; SKUs never do (a new category name keeps the codes already issued).</summary>
public sealed class Request
{
    [RouteParam]
    public string Handle { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Category { get; set; }

    public decimal? Price { get; set; }

    public string? Description { get; set; }

    /// <summary><c>active</c> or <c>archived</c>.</summary>
    public string? Status { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Handle).IsHandle();
        RuleFor(request => request.Name).IsText(CatalogRules.MaxNameLength);
        RuleFor(request => request.Category).IsText(CatalogRules.MaxCategoryLength);
        RuleFor(request => request.Price).IsPrice();
        RuleFor(request => request.Description).Must(CatalogRules.IsDescription).WithMessage(CatalogRules.DescriptionRule);
        RuleFor(request => request.Status).Must(status => status is null or "active" or "archived").WithMessage("Use active or archived.");
    }
}
