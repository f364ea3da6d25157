using FastEndpoints;
using FluentValidation;

namespace MultiStore.Api.Features.Storefront.SitemapPage;

public sealed class Request
{
    /// <summary>Which page of the sitemap index, from 1, in plain digits (a page's URL is spelled one way only).</summary>
    [RouteParam]
    public string Page { get; set; } = string.Empty;

    public int PageNumber => int.Parse(Page, System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Page).Matches(@"^[1-9][0-9]{0,8}\z").WithMessage("A page is a whole number from 1, in digits only.");
    }
}
