using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Auth;

/// <summary>JWT bearer authentication (development key or an OpenID Connect provider) and the store permission policies.</summary>
public static class AuthExtensions
{
    /// <summary>What an identity provider may sign with; symmetric algorithms would let anyone holding the key mint tokens.</summary>
    public static IReadOnlyList<string> AsymmetricAlgorithms { get; } =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static IServiceCollection AddMultiStoreAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>>(provider => AuthOptionsValidator.For(
            provider.GetRequiredService<IHostEnvironment>().IsDevelopment(),
            provider.GetRequiredService<IOptions<OrleansHostingOptions>>().Value.Mode,
            provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<TokenService>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, authOptions) => Configure(jwt, authOptions.Value));

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

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Claims keep the names they were issued with ("sub", "role", "store_role").
        jwt.MapInboundClaims = false;
        var parameters = new TokenValidationParameters
        {
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = auth.ClockSkew,
            NameClaimType = AuthClaims.Subject,
            RoleClaimType = AuthClaims.Role,
        };

        if (auth.UsesAuthority)
        {
            // Keys (and, unless configured, the issuer) come from the provider's metadata, refreshed as it rotates them.
            jwt.Authority = auth.Authority;
            if (!string.IsNullOrWhiteSpace(auth.MetadataAddress))
            {
                jwt.MetadataAddress = auth.MetadataAddress;
            }

            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            if (!string.IsNullOrWhiteSpace(auth.Issuer))
            {
                // The bearer handler also accepts the issuer the metadata names, beside any configured one: a set
                // Issuer must be the only one accepted, as documented, so it is checked here and nothing else is.
                parameters.ValidIssuer = auth.Issuer;
                parameters.IssuerValidator = OnlyIssuer(auth.Issuer);
            }

            parameters.ValidAlgorithms = AsymmetricAlgorithms;
        }
        else
        {
            parameters.ValidIssuer = auth.Issuer;
            parameters.IssuerSigningKey = TokenService.SigningKey(auth);
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        jwt.TokenValidationParameters = parameters;
        jwt.Events = new JwtBearerEvents { OnTokenValidated = RequireSubject };
    }

    /// <summary>Accepts tokens whose <c>iss</c> is exactly <paramref name="issuer"/>, and no other, whatever the provider's metadata names.</summary>
    private static IssuerValidator OnlyIssuer(string issuer) => (tokenIssuer, _, _) =>
        string.Equals(tokenIssuer, issuer, StringComparison.Ordinal)
            ? tokenIssuer
            : throw new SecurityTokenInvalidIssuerException($"The token's issuer is not the configured {AuthOptions.SectionName}:{nameof(AuthOptions.Issuer)}.") { InvalidIssuer = tokenIssuer };

    /// <summary>
    /// Refuses a token that names no one (no <c>sub</c>, or a blank one), however well signed: its holder would act,
    /// and be recorded in ledgers and audit trails, as "anonymous", the storefront's shopper, and share one rate limit
    /// with every such token from its address.
    /// </summary>
    private static Task RequireSubject(TokenValidatedContext context)
    {
        if (string.IsNullOrWhiteSpace(context.Principal?.FindFirst(AuthClaims.Subject)?.Value))
        {
            context.Fail("The token names no subject (sub).");
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A request that presents credentials which do not authenticate (expired, forged, tampered, another scheme, two
/// Authorization headers) is refused with 401 on every route, the storefront included: a bad token is never quietly
/// treated as "anonymous".
/// </summary>
public sealed partial class InvalidCredentialsMiddleware(RequestDelegate next, ILogger<InvalidCredentialsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0 && context.User.Identity?.IsAuthenticated != true)
        {
            var failure = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure;
            LogRefused(logger, HeadRequestMiddleware.MethodAsked(context), context.Request.Path, failure?.GetType().Name ?? "not a bearer token");
            await context.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
            return;
        }

        await next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused credentials on {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
