using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MultiStore.Api.Problems;

namespace MultiStore.Api.Hosting;

/// <summary>Bounds on what a client may send (configuration section <c>RequestLimits</c>).</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>The largest request body accepted; larger bodies answer 413. Every MultiStore request is small…</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>…except a catalog import (CSV), the one route with its own, larger limit.</summary>
    public long MaxImportBytes { get; set; } = 32 * 1024 * 1024;
}

/// <summary>
/// Endpoint metadata naming a route's own body limit, above <see cref="RequestLimitsOptions.MaxBodyBytes"/>. The
/// limit is read from options when the request arrives, so configuration still decides it.
/// </summary>
public sealed class OwnBodyLimitMetadata(Func<RequestLimitsOptions, long> limit)
{
    public long For(RequestLimitsOptions options) => limit(options);
}

public sealed class RequestLimitsOptionsValidator : IValidateOptions<RequestLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLimitsOptions options) =>
        options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024
            ? ValidateOptionsResult.Fail($"{RequestLimitsOptions.SectionName}:{nameof(RequestLimitsOptions.MaxBodyBytes)} must be between 1024 and 16777216.")
            : options.MaxImportBytes < options.MaxBodyBytes || options.MaxImportBytes > 1024L * 1024 * 1024
                ? ValidateOptionsResult.Fail($"{RequestLimitsOptions.SectionName}:{nameof(RequestLimitsOptions.MaxImportBytes)} must be between {nameof(RequestLimitsOptions.MaxBodyBytes)} and 1073741824.")
                : ValidateOptionsResult.Success;
}

/// <summary>
/// Answers 413 as a problem before reading a body whose declared length is too large. Kestrel's own limit (set to the
/// same value) stops chunked bodies while they are read; the exception handler turns that into the same 413.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Runs after routing, so a route with its own limit (the CSV import) is known here.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimitMetadata>()?.For(options.Value) ?? options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return ApiProblem.Create(
                StatusCodes.Status413PayloadTooLarge,
                ApiProblemCodes.RequestTooLarge,
                "Request body too large",
                $"The body may be at most {limit} bytes.").ExecuteAsync(context);
        }

        if (limit != options.Value.MaxBodyBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}

public static class RequestLimitsExtensions
{
    public static IServiceCollection AddMultiStoreRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RequestLimitsOptions>, RequestLimitsOptionsValidator>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);
        return services;
    }
}
