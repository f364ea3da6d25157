using Microsoft.Extensions.Configuration;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5180;http://[::1]:5181", true)]
    [InlineData("http://127.0.0.2:80", true)]
    [InlineData("http://LOCALHOST:5080", true)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://localhost:5080;http://10.0.0.5:5080", false)]
    [InlineData("http://shop.example.com:80", false)]
    [InlineData("http://unix:/run/multistore.sock", false)]
    [InlineData("not a url", false)]
    public void Urls_AreLoopbackOnly_WhenEveryOneIs(string urls, bool loopbackOnly)
    {
        Assert.Equal(loopbackOnly, ListenAddresses.AreLoopbackOnly(Configuration(("urls", urls))));
    }

    [Fact]
    public void NothingConfigured_IsKestrelsLocalhostDefault()
    {
        Assert.True(ListenAddresses.AreLoopbackOnly(Configuration()));
    }

    [Theory]
    [InlineData("http_ports")]
    [InlineData("https_ports")]
    public void BarePorts_BindEveryInterface(string key)
    {
        Assert.False(ListenAddresses.AreLoopbackOnly(Configuration((key, "8080"))));
    }

    [Fact]
    public void KestrelEndpoints_CountToo()
    {
        Assert.True(ListenAddresses.AreLoopbackOnly(Configuration(("Kestrel:Endpoints:Main:Url", "http://127.0.0.1:5000"))));
        Assert.False(ListenAddresses.AreLoopbackOnly(Configuration(("urls", "http://localhost:5000"), ("Kestrel:Endpoints:Public:Url", "http://0.0.0.0:443"))));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(value => KeyValuePair.Create(value.Key, (string?)value.Value))).Build();
}
