using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Auth;

/// <summary>
/// The API configured with an OpenID Connect <c>Auth:Authority</c>: it fetches the provider's metadata and keys, accepts
/// the provider's RS256 tokens and nothing else, not even tokens signed with the development key.
/// </summary>
public sealed class IdentityProviderTests(IdentityProviderApiFactory api) : IClassFixture<IdentityProviderApiFactory>
{
    [Fact]
    public async Task ProviderToken_WithStoreRole_OpensTheStore()
    {
        var token = api.Provider.Issue(api.Provider.Key, IdentityProviderApiFactory.Issuer, IdentityProviderApiFactory.Audience);

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        Assert.True(api.Provider.MetadataRequests > 0);
    }

    [Fact]
    public async Task DevelopmentToken_IsRefused_WhenAnAuthorityIsConfigured()
    {
        // Signed with the configured SigningKey, right issuer and audience: still not the provider's.
        var now = DateTimeOffset.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = IdentityProviderApiFactory.Issuer,
            Audience = IdentityProviderApiFactory.Audience,
            Subject = new ClaimsIdentity([new Claim(AuthClaims.Subject, "mallory"), new Claim(AuthClaims.StoreRole, "fiber-x:owner")]),
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(5).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFactory.SigningKey)), SecurityAlgorithms.HmacSha256),
        };
        var token = new JsonWebTokenHandler().CreateToken(descriptor);

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ProviderToken_WithTheDefaultIssuer_IsRefused_WhenIssuerIsEmpty()
    {
        // Empty Auth:Issuer means the provider's issuer, and only it: not also the shipped "multistore".
        var token = api.Provider.Issue(api.Provider.Key, "multistore", IdentityProviderApiFactory.Audience);

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ProviderToken_WithWrongIssuerOrAudience_OrForeignKey_IsRefused()
    {
        using var foreign = RSA.Create(2048);
        var tokens = new[]
        {
            api.Provider.Issue(api.Provider.Key, "https://evil.test/", IdentityProviderApiFactory.Audience),
            api.Provider.Issue(api.Provider.Key, IdentityProviderApiFactory.Issuer, "another-api"),
            // Another key that claims the provider's key id.
            api.Provider.Issue(new RsaSecurityKey(foreign) { KeyId = api.Provider.Key.KeyId }, IdentityProviderApiFactory.Issuer, IdentityProviderApiFactory.Audience),
        };

        foreach (var token in tokens)
        {
            await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }
}

/// <summary>
/// The API with an <c>Auth:Authority</c> whose <c>Auth:Issuer</c> is left at the shipped <c>multistore</c>: that issuer,
/// and not the one the provider's metadata names, is the only one accepted, as documented.
/// </summary>
public sealed class ConfiguredIssuerTests(ConfiguredIssuerApiFactory api) : IClassFixture<ConfiguredIssuerApiFactory>
{
    [Fact]
    public async Task ProviderToken_WithTheConfiguredIssuer_OpensTheStore()
    {
        var token = api.Provider.Issue(api.Provider.Key, "multistore", IdentityProviderApiFactory.Audience);

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ProviderToken_WithTheIssuerTheMetadataNames_IsRefused_WhenAnotherIssuerIsConfigured()
    {
        var token = api.Provider.Issue(api.Provider.Key, IdentityProviderApiFactory.Issuer, IdentityProviderApiFactory.Audience);

        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

/// <summary><see cref="IdentityProviderApiFactory"/>'s provider, with <c>Auth:Issuer</c> left as appsettings.json ships it.</summary>
public sealed class ConfiguredIssuerApiFactory : ApiFactory
{
    public FakeIdentityProvider Provider { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:Authority", IdentityProviderApiFactory.Issuer);
        builder.UseSetting("Auth:Audience", IdentityProviderApiFactory.Audience);
        builder.ConfigureTestServices(services => services.Configure<JwtBearerOptions>(
            JwtBearerDefaults.AuthenticationScheme,
            jwt => jwt.BackchannelHttpHandler = Provider));
    }
}

/// <summary>The API with <c>Auth:Authority</c> pointing at <see cref="FakeIdentityProvider"/>, reached through the bearer handler's back channel.</summary>
public sealed class IdentityProviderApiFactory : ApiFactory
{
    public const string Issuer = "https://idp.test/realms/multistore";
    public const string Audience = "multistore-api";

    public FakeIdentityProvider Provider { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:Authority", Issuer);
        builder.UseSetting("Auth:Issuer", string.Empty);
        builder.UseSetting("Auth:Audience", Audience);
        builder.ConfigureTestServices(services => services.Configure<JwtBearerOptions>(
            JwtBearerDefaults.AuthenticationScheme,
            jwt => jwt.BackchannelHttpHandler = Provider));
    }
}

/// <summary>An OpenID Connect provider's metadata and key set, served from memory; it signs tokens with an RSA key.</summary>
public sealed class FakeIdentityProvider : HttpMessageHandler
{
    private readonly RSA _rsa = RSA.Create(2048);
    private int _metadataRequests;

    public FakeIdentityProvider() => Key = new RsaSecurityKey(_rsa) { KeyId = "idp-key-1" };

    public RsaSecurityKey Key { get; }

    public int MetadataRequests => _metadataRequests;

    public string Issue(SecurityKey key, string issuer, string audience)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(AuthClaims.Subject, "oidc-user"), new Claim(AuthClaims.StoreRole, "fiber-x:owner")]),
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(5).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        string json;
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _metadataRequests);
            json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = IdentityProviderApiFactory.Issuer,
                ["jwks_uri"] = $"{IdentityProviderApiFactory.Issuer}/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        }
        else if (path.EndsWith("/keys", StringComparison.Ordinal))
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = Key.KeyId });
            json = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        }
        else
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rsa.Dispose();
        }

        base.Dispose(disposing);
    }
}
