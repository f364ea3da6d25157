using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace MultiStore.Api.Auth;

/// <summary>JWT bearer authentication and the store permission policies.</summary>
public static class AuthExtensions
{
    public static IServiceCollection AddMultiStoreAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<TokenService>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, authOptions) =>
            {
                var auth = authOptions.Value;
                // Claims keep the names they were issued with ("sub", "role", "store_role").
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    IssuerSigningKey = TokenService.SigningKey(auth),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = auth.ClockSkew,
                    NameClaimType = AuthClaims.Subject,
                    RoleClaimType = AuthClaims.Role,
                };
            });

        services.AddSingleton<IAuthorizationHandler, StorePermissionHandler>();
        services.AddSingleton<IAuthorizationHandler, StoreOwnerHandler>();
        services.AddAuthorization(authorization =>
        {
            foreach (var permission in StorePermissions.All)
            {
                authorization.AddPolicy(StorePermissions.Policy(permission), policy => policy
                    .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                    .RequireAuthenticatedUser()
                    .AddRequirements(new StorePermissionRequirement(permission)));
            }

            authorization.AddPolicy(StoreOwnerRequirement.Policy, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new StoreOwnerRequirement()));
        });

        return services;
    }
}
