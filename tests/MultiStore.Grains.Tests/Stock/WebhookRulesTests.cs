using System.Net;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Stock.Webhooks;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>Which URLs a store's webhook may name, how deliveries are signed and how retries back off.</summary>
public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://shop.localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    public void Url_LoopbackOrPrivateAddress_IsRefusedUnlessAllowed(string url)
    {
        StoreAssert.Refused(RuleCodes.InvalidWebhook, () => WebhookRules.Url(url, allowPrivateNetworks: false));

        Assert.Equal(new Uri(url), WebhookRules.Url(url, allowPrivateNetworks: true));
    }

    [Theory]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("/relative")]
    [InlineData("https://user:secret@hooks.example.com/x")]
    [InlineData("https://hooks.example.com/x#part")]
    [InlineData("")]
    public void Url_NotAPlainAbsoluteHttpUrl_IsRefused(string url) =>
        StoreAssert.Refused(RuleCodes.InvalidWebhook, () => WebhookRules.Url(url, allowPrivateNetworks: true));

    [Theory]
    [InlineData("https://\u2488.example.com/hook", false)]
    [InlineData("https://\u2488.example.com/hook", true)]
    [InlineData("https://hooks.\u2488example.com/hook", false)]
    public void Url_HostWithoutAnAsciiForm_IsRefusedAsInvalid(string url, bool allowPrivateNetworks) =>
        StoreAssert.Refused(RuleCodes.InvalidWebhook, () => WebhookRules.Url(url, allowPrivateNetworks));

    [Fact]
    public void Url_WithinTheLimitAsWrittenButNotOnceEscaped_IsRefused()
    {
        var url = "https://hooks.example.com/" + new string('\u00e9', 1000);

        StoreAssert.Refused(RuleCodes.InvalidWebhook, () => WebhookRules.Url(url, allowPrivateNetworks: false));
        Assert.Equal(WebhookRules.MaxUrlLength, WebhookRules.Url("https://hooks.example.com/" + new string('p', WebhookRules.MaxUrlLength - 26), false).AbsoluteUri.Length);
    }

    [Theory]
    [InlineData("https://hooks.example.com/multistore?store=1")]
    [InlineData("http://93.184.216.34/hook")]
    [InlineData("https://[2606:4700::1111]/hook")]
    public void Url_PublicAddress_IsAccepted(string url) =>
        Assert.Equal(new Uri(url), WebhookRules.Url(url, allowPrivateNetworks: false));

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("127.0.0.53", false)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.16.0.0", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("fc00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::a00:5", false)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("64:ff9b:1::808:808", false)]
    [InlineData("2002:a00:5::1", false)]
    [InlineData("2002:808:808::1", true)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("::a00:5", false)]
    [InlineData("::ffff:0:a00:5", false)]
    [InlineData("::", false)]
    public void IsPublic_ClassifiesAddresses(string address, bool expected) =>
        Assert.Equal(expected, WebhookRules.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void BackoffAfter_DoublesFromTheInitialWait_UpToTheCap()
    {
        var options = new WebhookOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10) };

        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(attempts => options.BackoffAfter(attempts).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(10), options.BackoffAfter(int.MaxValue));
    }

    [Fact]
    public void Sign_IsTheHexHmacOfTimestampDotBody_AndVerifyRefusesOldOrAlteredDeliveries()
    {
        const string body = """{"id":1}""";
        var now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

        var signature = WebhookSignature.Sign("whsec_test", now.ToUnixTimeSeconds(), body);

        // Reference value computed independently: printf '1900000000.{"id":1}' | openssl dgst -sha256 -hmac whsec_test
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("whsec_test"u8, "1900000000.{\"id\":1}"u8)), signature["sha256=".Length..]);
        Assert.True(WebhookSignature.Verify("whsec_test", "1900000000", body, signature, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", "1900000000", body, signature, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", "1900000000", """{"id":2}""", signature, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", "1900000000", body, signature, now, TimeSpan.FromMinutes(5)));
    }
}
