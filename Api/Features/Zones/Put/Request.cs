using System.ComponentModel.DataAnnotations;
using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Warehouse;

namespace MultiStore.Api.Features.Zones.Put;

public sealed class Request
{
    [RouteParam]
    public string Zone { get; set; } = string.Empty;

    /// <summary>Display name, e.g. "East warehouse".</summary>
    [Required]
    public string? Name { get; set; }

    /// <summary>True makes this zone the default; false or absent leaves the default as it is.</summary>
    public bool? IsDefault { get; set; }
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Zone).IsZone();
        RuleFor(request => request.Name).NotNull().Must(name => name is null || (name.Trim().Length is > 0 and <= WarehouseGrain.MaxNameLength && PlainText.IsPlain(name)))
            .WithMessage($"Use 1-{WarehouseGrain.MaxNameLength} printable characters.");
    }
}
