using MultiStore.Silo.Configuration;

namespace MultiStore.Deployment.Tests.Health;

public sealed class HealthOptionsValidatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Validate_PortOutOfRange_NamesTheKey(int port)
    {
        var result = new HealthOptionsValidator().Validate(null, new HealthOptions { Port = port });

        Assert.True(result.Failed);
        Assert.Contains("Health:Port", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoPort_TurnsTheEndpointOffWithoutComplaint()
    {
        Assert.True(new HealthOptionsValidator().Validate(null, new HealthOptions()).Succeeded);
    }
}
