using System.Net;

namespace MultiStore.Api.Tests.Orders;

/// <summary><c>POST /admin/orders/{orderId}/pay</c>: one capture pays one order.</summary>
[Collection(ApiCollection.Name)]
public sealed class PayOrderTests(ApiFactory api)
{
    [Fact]
    public async Task Pay_WithTheReferenceThatPaidAnotherOrder_Is409PaymentReferenceUsed_AndTheOrderStaysPending()
    {
        var store = await StoreDriver.OnboardAsync(api, "payref");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        await store.SetStockAsync(sku, 10);
        var paid = await store.NewPendingOrderAsync(sku, 2);
        var other = await store.NewPendingOrderAsync(sku, 3);
        await store.Owner.PostJsonAsync($"/admin/orders/{paid}/pay", new { paymentReference = "cap-1" }).ExpectAsync(HttpStatusCode.OK);

        var problem = await store.Owner.PostJsonAsync($"/admin/orders/{other}/pay", new { paymentReference = "cap-1" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "payment-reference-used");

        Assert.Equal("urn:multistore:problem:payment-reference-used", problem.Value<string>("type"));
        Assert.Contains("another order", problem.Value<string>("detail"), StringComparison.Ordinal);
        Assert.DoesNotContain(paid, problem.ToJsonString(), StringComparison.Ordinal);
        var order = await store.Owner.GetAsync($"/admin/orders/{other}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending-payment", order.Value<string>("status"));
        await store.Owner.PostJsonAsync($"/admin/orders/{paid}/pay", new { paymentReference = "cap-1" }).ExpectAsync(HttpStatusCode.OK);
    }
}
