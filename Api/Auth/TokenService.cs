using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>Issues HS256 tokens that the API's own bearer authentication accepts (dev tooling and tests).</summary>
public sealed class TokenService(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>The signing key as the bearer handler and the issuer both use it.</summary>
    public static SymmetricSecurityKey SigningKey(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    /// <summary>A token for <paramref name="role"/> in <paramref name="tenant"/>, valid from now for <paramref name="lifetime"/>.</summary>
    public string IssueStoreToken(string subject, TenantId tenant, string role, TimeSpan lifetime)
    {
        if (!StoreRoles.IsStoreRole(role))
        {
            throw new ArgumentException($"'{role}' is not a store role.", nameof(role));
        }

        var now = time.GetUtcNow();
        return Issue(subject, [new Claim(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant.Value, role))], now, now + lifetime);
    }

    /// <summary>A platform operator's token, valid from now for <paramref name="lifetime"/>.</summary>
    public string IssuePlatformToken(string subject, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        return Issue(subject, [new Claim(AuthClaims.Role, PlatformRoles.Operator)], now, now + lifetime);
    }

    /// <summary>A token with exactly <paramref name="roleClaims"/> and the given validity window.</summary>
    public string Issue(string subject, IEnumerable<Claim> roleClaims, DateTimeOffset notBefore, DateTimeOffset expires)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        var auth = options.Value;
        var claims = new List<Claim> { new(AuthClaims.Subject, subject) };
        claims.AddRange(roleClaims);

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(auth), SecurityAlgorithms.HmacSha256),
        };

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
