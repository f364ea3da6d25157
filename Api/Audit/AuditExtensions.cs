using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MultiStore.Api.Audit;

public static class AuditExtensions
{
    public static IServiceCollection AddMultiStoreAudit(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuditRecorder>();
        services.AddScoped<RequestAudit>();
        services.AddScoped<AuditTrails>();
        return services;
    }
}
