using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Catalog;

namespace MultiStore.Api.Features.Catalog.ListProducts;

public sealed class Request
{
    /// <summary>1-based page number (default 1).</summary>
    [QueryParam]
    public int? Page { get; set; }

    /// <summary>
    /// A cursor instead of <see cref="Page"/>: <c>0</c> for the first page, then the <c>next</c> of the page before.
    /// Cursor pages never skip or repeat a product when another is archived or brought back meanwhile.
    /// </summary>
    [QueryParam]
    public int? After { get; set; }

    /// <summary>Products per page, 1-100 (default 24).</summary>
    [QueryParam]
    public int? PageSize { get; set; }

    /// <summary>Only products of this category (case-insensitive).</summary>
    [QueryParam]
    public string? Category { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public const int MaxPageSize = 100;
    public const int MaxPage = 10_000;
    public const int MaxAfter = 100_000_000;

    public RequestValidator()
    {
        RuleFor(request => request.Page).InclusiveBetween(1, MaxPage);
        RuleFor(request => request.PageSize).InclusiveBetween(1, MaxPageSize);
        RuleFor(request => request.After).InclusiveBetween(0, MaxAfter);
        RuleFor(request => request.After).Null().When(request => request.Page is not null).WithMessage("Page by page or by cursor (after), not both.");
        RuleFor(request => request.Category).IsText(CatalogRules.MaxCategoryLength);
    }
}
