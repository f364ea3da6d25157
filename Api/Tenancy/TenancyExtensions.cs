using Microsoft.Extensions.Options;

namespace MultiStore.Api.Tenancy;

public static class TenancyExtensions
{
    public static IServiceCollection AddMultiStoreTenancy(this IServiceCollection services)
    {
        services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TenancyOptions>, TenancyOptionsValidator>();
        services.AddSingleton<HostTenantResolver>();
        services.AddSingleton<UnknownHostBudget>();
        services.AddScoped<RequestTenant>();
        services.AddScoped<TenantGrains>();
        services.AddScoped<PlatformGrains>();
        services.AddScoped<OwnedStores>();
        return services;
    }
}
