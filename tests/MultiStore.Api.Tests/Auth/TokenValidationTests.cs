using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Auth;

/// <summary>
/// Every way a bearer token can be wrong answers 401 problem+json with a Bearer challenge, on admin routes and on the
/// storefront alike (a bad token is never treated as "no token").
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TokenValidationTests(ApiFactory api)
{
    private static readonly string[] Urls = ["/admin/stock/FBX-TEE-BLK-M", "/api/stock/FBX-TEE-BLK-M", "/platform/tenants"];

    public static TheoryData<string> BadTokens =>
    [
        "expired", "not-yet-valid", "no-expiry", "wrong-signature", "wrong-issuer", "wrong-audience", "alg-none",
        "alg-none-unsigned-header", "tampered-role", "tampered-platform-role", "hs384", "not-a-jwt", "empty-signature", "no-subject", "blank-subject",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Request_WithBadBearerToken_Returns401Problem(string kind)
    {
        var token = BadToken(kind);

        foreach (var url in Urls)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            using var response = await api.ClientFor("fiber-x.localhost").SendAsync(request);

            await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("token-without-scheme")]
    public async Task Request_WithAuthorizationThatIsNoBearerToken_Returns401Problem(string authorization)
    {
        foreach (var url in Urls)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await api.ClientFor("fiber-x.localhost").SendAsync(request);

            await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task Request_WithTwoAuthorizationHeaders_Returns400Problem()
    {
        var owner = api.StoreToken("fiber-x", StoreRoles.Owner);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/stock/FBX-TEE-BLK-M");
        request.Headers.TryAddWithoutValidation("Authorization", [$"Bearer {owner}", $"Bearer {owner}"]);

        using var response = await api.ClientFor("fiber-x.localhost").SendAsync(request);

        // Refused before any token is read: two credentials are never reconciled.
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicate-header");
    }

    [Fact]
    public async Task ValidToken_WithinClockSkewOfItsWindow_IsAccepted()
    {
        // Proves the refusals above are about the token, not about the request.
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue("alice", [OwnerOfFiberX], now.AddSeconds(10), now.AddMinutes(5));

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("fiber-x.localhost", token).GetAsync("/api/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
    }

    private static Claim OwnerOfFiberX => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue("fiber-x", StoreRoles.Owner));

    private AuthOptions Genuine => api.Services.GetRequiredService<IOptions<AuthOptions>>().Value;

    private string BadToken(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        switch (kind)
        {
            case "expired":
                return api.Tokens.Issue("mallory", [OwnerOfFiberX], now.AddHours(-2), now.AddHours(-1));
            case "not-yet-valid":
                return api.Tokens.Issue("mallory", [OwnerOfFiberX], now.AddHours(1), now.AddHours(2));
            case "no-expiry":
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha256, Genuine.Issuer!, Genuine.Audience, withExpiry: false);
            case "wrong-signature":
                return Sign("another-key-that-is-long-enough-0123456789", SecurityAlgorithms.HmacSha256, Genuine.Issuer!, Genuine.Audience);
            case "wrong-issuer":
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha256, "someone-else", Genuine.Audience);
            case "wrong-audience":
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha256, Genuine.Issuer!, "another-api");
            case "hs384":
                // The right key, but an algorithm the API does not accept.
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha384, Genuine.Issuer!, Genuine.Audience);
            case "alg-none":
                return Unsigned("""{"alg":"none","typ":"JWT"}""", withSignatureOf: null);
            case "alg-none-unsigned-header":
                // "none" in the header but the genuine signature of the payload appended: still refused.
                return Unsigned("""{"alg":"none","typ":"JWT"}""", withSignatureOf: api.StoreToken("fiber-x", StoreRoles.Owner));
            case "tampered-role":
                return Tamper(api.StoreToken("fiber-x", StoreRoles.Support), payload => payload[AuthClaims.StoreRole] = AuthClaims.StoreRoleValue("fiber-x", StoreRoles.Owner));
            case "tampered-platform-role":
                return Tamper(api.StoreToken("fiber-x", StoreRoles.Support), payload => payload[AuthClaims.Role] = PlatformRoles.Operator);
            case "not-a-jwt":
                return "not-a-jwt";
            case "no-subject":
                // Genuine in every other way, but it names no one: its actions would be recorded as "anonymous".
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha256, Genuine.Issuer!, Genuine.Audience, subject: null);
            case "blank-subject":
                return Sign(Genuine.SigningKey, SecurityAlgorithms.HmacSha256, Genuine.Issuer!, Genuine.Audience, subject: " ");
            case "empty-signature":
                var genuine = api.StoreToken("fiber-x", StoreRoles.Owner);
                return genuine[..(genuine.LastIndexOf('.') + 1)];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static string Sign(string signingKey, string algorithm, string issuer, string audience, bool withExpiry = true, string? subject = "mallory")
    {
        var now = DateTimeOffset.UtcNow;
        List<Claim> claims = subject is null ? [OwnerOfFiberX] : [new Claim(AuthClaims.Subject, subject), OwnerOfFiberX];
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = withExpiry ? now.AddMinutes(5).UtcDateTime : null,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), algorithm),
        };

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string Unsigned(string header, string? withSignatureOf)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["sub"] = "mallory",
            [AuthClaims.StoreRole] = AuthClaims.StoreRoleValue("fiber-x", StoreRoles.Owner),
            ["iss"] = "multistore",
            ["aud"] = "multistore",
            ["nbf"] = now,
            ["iat"] = now,
            ["exp"] = now + 300,
        };
        var signature = withSignatureOf is null ? string.Empty : withSignatureOf[(withSignatureOf.LastIndexOf('.') + 1)..];
        return $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{signature}";
    }

    private static string Tamper(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString(new JsonSerializerOptions()))}.{parts[2]}";
    }
}
