using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Auth;

/// <summary>The <c>token</c> command and the bearer validation it must satisfy.</summary>
[Collection(ApiCollection.Name)]
public sealed class TokenCommandTests(ApiFactory api)
{
    private IConfiguration Configuration => api.Services.GetRequiredService<IConfiguration>();

    [Fact]
    public async Task Run_StoreRole_PrintsOneTokenThatTheApiAccepts()
    {
        var (exitCode, stdout, stderr) = Run("token", "--role", "owner", "--tenant", "fiber-x", "--sub", "alice", "--minutes", "5");

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines).Trim();
        using var client = api.ClientFor("fiber-x.localhost", token);
        await client.GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        // The role is for fiber-x only.
        using var elsewhere = api.ClientFor("suzume.localhost", token);
        await elsewhere.GetAsync("/admin/stock/SZM-MUG-ROSE").ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Run_PlatformOperator_OpensPlatformButNoStore()
    {
        var (exitCode, stdout, _) = Run("token", "--role", "platform-operator");

        Assert.Equal(0, exitCode);
        using var client = api.ClientFor("fiber-x.localhost", stdout.Trim());
        await client.GetAsync("/platform/tenants").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token", "--role", "god")]
    [InlineData("token", "--role", "owner")]
    [InlineData("token", "--role", "owner", "--tenant", "Not A Slug")]
    [InlineData("token", "--role", "platform-operator", "--tenant", "fiber-x")]
    [InlineData("token", "--role", "support", "--tenant", "fiber-x", "--minutes", "0")]
    [InlineData("token", "--role", "support", "--tenant", "fiber-x", "--minutes", "abc")]
    [InlineData("token", "--role", "support", "--tenant", "fiber-x", "--unknown", "x")]
    [InlineData("token", "--role")]
    public void Run_BadArguments_ExitsNonZeroAndPrintsNothingOnStdout(params string[] args)
    {
        var (exitCode, stdout, stderr) = Run(args);

        Assert.NotEqual(0, exitCode);
        Assert.Empty(stdout);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void Run_WithAnIdentityProviderConfigured_RefusesToMintTokens()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:Authority"] = "https://login.example.com/" }).Build();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = TokenCommand.Run(["token", "--role", "owner", "--tenant", "fiber-x"], configuration, stdout, stderr);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout.ToString());
        Assert.Contains("Auth:Authority", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WeakSigningKey_RefusesAndNamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = "short" }).Build();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = TokenCommand.Run(["token", "--role", "owner", "--tenant", "fiber-x"], configuration, stdout, stderr);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout.ToString());
        Assert.Contains("Auth:SigningKey", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_TokenWithoutStoreRole_Returns403()
    {
        var now = DateTimeOffset.UtcNow;
        var roleless = api.Tokens.Issue("alice", [], now, now.AddMinutes(5));
        var unknownRole = api.Tokens.Issue("alice", [new Claim(AuthClaims.StoreRole, "fiber-x:intern")], now, now.AddMinutes(5));

        await ClientWith(roleless).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await ClientWith(unknownRole).GetAsync("/admin/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private HttpClient ClientWith(string token) => api.ClientFor("fiber-x.localhost", token);

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = TokenCommand.Run(args, Configuration, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
