using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MultiStore.Api.Problems;

namespace MultiStore.Api.Hosting;

/// <summary>Bounds on what a client may send (configuration section <c>RequestLimits</c>).</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>The largest request body accepted; larger bodies answer 413. Every MultiStore request is small.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;
}

public sealed class RequestLimitsOptionsValidator : IValidateOptions<RequestLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLimitsOptions options) =>
        options.MaxBodyBytes is >= 1024 and <= 16 * 1024 * 1024
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{RequestLimitsOptions.SectionName}:{nameof(RequestLimitsOptions.MaxBodyBytes)} must be between 1024 and 16777216.");
}

/// <summary>
/// Answers 413 as a problem before reading a body whose declared length is too large. Kestrel's own limit (set to the
/// same value) stops chunked bodies while they are read; the exception handler turns that into the same 413.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > options.Value.MaxBodyBytes)
        {
            return ApiProblem.Create(
                StatusCodes.Status413PayloadTooLarge,
                ApiProblemCodes.RequestTooLarge,
                "Request body too large",
                $"The body may be at most {options.Value.MaxBodyBytes} bytes.").ExecuteAsync(context);
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
