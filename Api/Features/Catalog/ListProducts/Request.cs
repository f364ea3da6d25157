using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Catalog;

namespace MultiStore.Api.Features.Catalog.ListProducts;

public sealed class Request
{
    /// <summary>1-based page number (default 1).</summary>
    [QueryParam]
    public int? Page { get; set; }

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

    public RequestValidator()
    {
        RuleFor(request => request.Page).InclusiveBetween(1, MaxPage);
        RuleFor(request => request.PageSize).InclusiveBetween(1, MaxPageSize);
        RuleFor(request => request.Category).IsText(CatalogRules.MaxCategoryLength);
    }
}
