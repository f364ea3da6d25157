using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.SuspendTenant;

public sealed class Request
{
    [RouteParam]
    public string Id { get; set; } = string.Empty;
}

public sealed class RequestValidator : Validator<Request>
{
    public RequestValidator()
    {
        RuleFor(request => request.Id).Must(id => TenantId.TryParse(id, out _)).WithMessage("Use 2-40 characters of a-z, 0-9 and '-'.");
    }
}
