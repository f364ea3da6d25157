extern alias apiapp;

using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MultiStore.Deployment.Tests.Infrastructure;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// The real Api (embedded mode, its own free silo ports) in process, to ask whether it serves a path: the probes in
/// the manifests must hit routes that exist, whatever their answer (a not-ready 503 is still a route).
/// </summary>
public sealed class ApiRoutesFixture : WebApplicationFactory<apiapp::Program>
{
    private readonly int[] _ports = FreePorts.Take(2);

    public async Task<bool> ServesAsync(string path)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(path);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orleans:SiloPort", _ports[0].ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", _ports[1].ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:Seed", "false");
        // Outside Development the Api refuses the public key appsettings.json ships with.
        builder.UseSetting("Auth:SigningKey", "deployment-tests-only-signing-key-0123456789abcdef");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
    }
}
