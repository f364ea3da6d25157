using System.ComponentModel.DataAnnotations;
using FluentValidation;
using MultiStore.Grains.Catalog;

namespace MultiStore.Api.Features.Catalog.CreateProduct;

public sealed class Request
{
    /// <summary>The product's permanent id in URLs (a-z, 0-9, '-'); made from the name when absent.</summary>
    public string? Handle { get; set; }

    [Required]
    public string? Name { get; set; }

    /// <summary>The category's name (<c>Hair</c>); its code becomes part of every SKU of the product.</summary>
    [Required]
    public string? Category { get; set; }

    /// <summary>Unit price in the store's currency, with at most its decimals (two in EUR, none in JPY, three in KWD).</summary>
    [Required]
    public decimal? Price { get; set; }

    public string? Description { get; set; }

    /// <summary>The variants by their attributes; none means one plain variant whose SKU is the product code.</summary>
    public List<VariantRequest>? Variants { get; set; }
}

public sealed class VariantRequest
{
    /// <summary>E.g. <c>{"color":"Black","size":"250ml"}</c>.</summary>
    [Required]
    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class RequestValidator : FastEndpoints.Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Handle!).IsHandle().When(request => request.Handle is not null);
        RuleFor(request => request.Name).NotNull().IsText(CatalogRules.MaxNameLength);
        RuleFor(request => request.Name).Must(name => name is null || CatalogRequestRules.HandleFrom(name).Length > 0)
            .When(request => request.Handle is null)
            .WithMessage("Give a handle: no handle can be made from this name.");
        RuleFor(request => request.Category).NotNull().IsText(CatalogRules.MaxCategoryLength);
        RuleFor(request => request.Price).NotNull().IsPrice();
        RuleFor(request => request.Description).Must(CatalogRules.IsDescription).WithMessage(CatalogRules.DescriptionRule);
        // Counted as the catalog counts them: entries naming one variant twice make one variant, not two.
        RuleFor(request => request.Variants)
            .Must(variants => variants is null || CatalogRequestRules.DistinctVariants(variants.Select(variant => variant?.Attributes)) <= CatalogRules.MaxVariants)
            .WithMessage(CatalogRules.MaxVariantsRule);
        RuleForEach(request => request.Variants).NotNull().WithMessage("A variant cannot be null.").ChildRules(variant => variant.RuleFor(v => v.Attributes).NotNull().AreAttributes());
    }
}
