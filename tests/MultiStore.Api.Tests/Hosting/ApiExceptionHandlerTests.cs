using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MultiStore.Api.Problems;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>Exceptions that escape an endpoint become the problem the client needs, never a bare 500.</summary>
public sealed class ApiExceptionHandlerTests
{
    [Theory]
    [InlineData(RuleCodes.InsufficientStock, 409)]
    [InlineData(RuleCodes.OnHandBelowReserved, 409)]
    [InlineData(RuleCodes.CartClosed, 409)]
    [InlineData(RuleCodes.CartEmpty, 409)]
    [InlineData(RuleCodes.OrderNotPending, 409)]
    [InlineData(RuleCodes.OrderExpired, 409)]
    [InlineData(RuleCodes.PaymentReferenceUsed, 409)]
    [InlineData(RuleCodes.TenantExists, 409)]
    [InlineData(RuleCodes.DomainTaken, 409)]
    [InlineData(RuleCodes.ReservationIdReused, 409)]
    [InlineData(RuleCodes.NotFound, 404)]
    [InlineData(RuleCodes.InvalidId, 400)]
    [InlineData(RuleCodes.InvalidTenant, 400)]
    [InlineData(RuleCodes.InvalidQuantity, 422)]
    [InlineData("some-future-rule", 409)]
    public async Task StoreRuleException_BecomesProblemWithItsCode(string code, int status)
    {
        var (handled, context, problem) = await HandleAsync(new StoreRuleException(code, "refused"));

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(code, problem["code"]!.GetValue<string>());
        Assert.Equal($"urn:multistore:problem:{code}", problem["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TenantIsolationException_Becomes404WithoutDetails()
    {
        var (handled, context, problem) = await HandleAsync(new TenantIsolationException("store 'suzume' cannot reach 'fiber-x'"));

        Assert.True(handled);
        Assert.Equal(404, context.Response.StatusCode);
        Assert.DoesNotContain("suzume", problem.ToJsonString(), StringComparison.Ordinal);
    }

    public static IEnumerable<object[]> Unavailable =>
    [
        [new TimeoutException("slow")],
        [new Orleans.Runtime.SiloUnavailableException("gone")],
        [new Orleans.Runtime.GatewayTooBusyException()],
        // A fenced write: another activation wrote first, nothing was acknowledged.
        [new Orleans.Storage.InconsistentStateException("version mismatch")],
        [new NotDurableException("Stock t/SKU@main could not be written; retry.")],
        // PostgreSQL down, as the storage provider reports it through the cluster.
        [new Orleans.Runtime.OrleansException("Error from storage provider AdoNetGrainStorage.cart during ReadStateAsync",
            new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:55432", new System.Net.Sockets.SocketException(111)))],
    ];

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task ClusterUnavailable_Becomes503WithRetryAfter(Exception exception)
    {
        var (handled, context, problem) = await HandleAsync(exception);

        Assert.True(handled);
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("service-unavailable", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownOrleansException_IsLeftToTheDefault500Problem()
    {
        var (handled, _, _) = await HandleAsync(new Orleans.Runtime.OrleansException("a defect, not an outage"));

        Assert.False(handled);
    }

    [Fact]
    public async Task UnknownException_IsLeftToTheDefault500Problem()
    {
        var (handled, _, _) = await HandleAsync(new InvalidOperationException("bug"));

        Assert.False(handled);
    }

    private static async Task<(bool Handled, HttpContext Context, JsonNode Problem)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/api/test";
        var body = new MemoryStream();
        context.Response.Body = body;

        var handled = await new ApiExceptionHandler(NullLogger<ApiExceptionHandler>.Instance).TryHandleAsync(context, exception, CancellationToken.None);

        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        if (handled)
        {
            Assert.Equal(Http.ProblemContentType, context.Response.ContentType);
        }

        return (handled, context, handled ? JsonNode.Parse(text)! : new JsonObject());
    }
}
