using System.Text.Json.Serialization;
using FastEndpoints;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Api.Demo;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Hosting;

/// <summary>The API's composition: services in <see cref="AddMultiStoreApi"/>, the request pipeline in <see cref="UseMultiStoreApi"/>.</summary>
public static class ApiHostingExtensions
{
    private const string FastEndpointsTestRoute = "/_test_url_cache_";

    public static WebApplicationBuilder AddMultiStoreApi(this WebApplicationBuilder builder)
    {
        builder.AddMultiStoreOrleans();
        builder.AddMultiStoreMetrics();

        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddMultiStoreRequestLimits();
        services.AddMultiStoreRateLimiting(builder.Configuration);
        services.AddMultiStoreCartLimits();
        services.AddMultiStoreTenancy();
        services.AddMultiStoreAuth();
        services.AddMultiStoreAudit();
        services.AddFastEndpoints(discovery => discovery.Assemblies = [typeof(ApiHostingExtensions).Assembly]);
        // The OpenAPI generator reads these options; keep them as strict as the binder (numbers are numbers).
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            HeaderBoundProperties.LeaveOutOfBodies(json.SerializerOptions);
        });
        services.AddMultiStoreOpenApi();
        services.AddSingleton(_ => new Features.Storefront.Sitemap.SitemapCache());
        services.AddSingleton<ClusterHealthCheck>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

        // Registered after UseOrleans, so it starts once the silo is up (and before the server takes requests).
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        services.AddHostedService<DemoSeeder>();
        return builder;
    }

    public static WebApplication UseMultiStoreApi(this WebApplication app)
    {
        var orleans = app.Services.GetRequiredService<IOptions<OrleansHostingOptions>>().Value;
        if (orleans.Mode == OrleansMode.Embedded)
        {
            app.Logger.LogInformation(OrleansHostingExtensions.EmbeddedModeNotice);
        }

        // Outside everything that writes a body, problems and the /metrics scrape included, so that a HEAD answer
        // never carries one (the scrape answers any method, and wrote its text to a HEAD).
        app.UseMiddleware<HeadRequestMiddleware>();
        // Next: /metrics needs no store, and the per-store request counter sees every final status.
        app.UseMultiStoreMetrics();
        app.UseExceptionHandler();
        app.UseMiddleware<HeaderSanityMiddleware>();
        app.UseMiddleware<QuerySanityMiddleware>();
        app.UseMiddleware<JsonCharsetMiddleware>();
        // The client's address as the rate limits see it, and the scheme it used: X-Forwarded-For and X-Forwarded-Proto
        // only from trusted proxies (RateLimits:TrustedProxies).
        app.UseForwardedHeaders();
        // Empty-bodied errors (401/403 from auth, 404/405 from routing) become problems too.
        app.UseStatusCodePages(context =>
        {
            HeadRequestMiddleware.AdvertiseHead(context.HttpContext.Response);
            return ProblemCatalog.ForStatus(context.HttpContext.Response.StatusCode, context.HttpContext.Request.Path).ExecuteAsync(context.HttpContext);
        });
        app.Use(HideFastEndpointsTestRoute);
        app.UseRouting();
        // After routing: the limit is the route's own when it has one (the catalog import), the API-wide one otherwise.
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        // Authentication only reads the token here; the tenant middleware needs the user as the acting subject.
        app.UseAuthentication();
        app.UseMiddleware<InvalidCredentialsMiddleware>();
        // Wraps store resolution and authorization, so refusals made there are recorded too.
        app.UseMiddleware<AuditMiddleware>();
        // Exceptions with a client-facing meaning (a grain's 409, the silo's 403) become their problem here already,
        // so the audit entry records the status the client gets; the outer handler covers the steps before routing.
        app.UseExceptionHandler();
        // A token's window before store resolution, whose refusals count too; storefront limits once the store is known.
        app.UseAdminRateLimits();
        app.UseMiddleware<TenantResolutionMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.UseFastEndpoints(config =>
        {
            config.Errors.UseProblemDetails();
            config.Errors.ResponseBuilder = ValidationProblem.Build;
            config.Serializer.Options.NumberHandling = JsonNumberHandling.Strict;
            // A field the request does not define, or one given twice, is a client error (400), not something to ignore:
            // silently dropped input hides mistakes and lets two parties read one body differently.
            config.Serializer.Options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            config.Serializer.Options.AllowDuplicateProperties = false;
            HeaderBoundProperties.LeaveOutOfBodies(config.Serializer.Options);
            config.Binding.UseIsoDates();
        });
        app.MapMultiStoreOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    /// <summary>
    /// FastEndpoints 8.3 always maps an anonymous GET <c>/_test_url_cache_</c> that lists every endpoint type and
    /// route (later versions make it opt-in). Tests here run in-process and do not need it, so nobody gets it.
    /// </summary>
    private static Task HideFastEndpointsTestRoute(HttpContext context, RequestDelegate next) =>
        context.Request.Path.StartsWithSegments(FastEndpointsTestRoute, StringComparison.OrdinalIgnoreCase)
            ? ProblemCatalog.ForStatus(StatusCodes.Status404NotFound).ExecuteAsync(context)
            : next(context);

}
