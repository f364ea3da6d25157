using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Tests.Hosting;

public sealed class RetrySafeCallFilterTests
{
    private static readonly MethodInfo Reserve = typeof(IStockGrain).GetMethod(nameof(IStockGrain.ReserveManyAsync))!;
    private static readonly MethodInfo Adjust = typeof(IStockGrain).GetMethod(nameof(IStockGrain.AdjustAsync))!;

    public static TheoryData<MethodInfo> ShopperAndOrderMethods() =>
    [
        .. typeof(ICartGrain).GetMethods(),
        .. typeof(IOrderGrain).GetMethods(),
        .. typeof(IStockGrain).GetMethods().Where(method => method.Name != nameof(IStockGrain.AdjustAsync)),
    ];

    [Theory]
    [MemberData(nameof(ShopperAndOrderMethods))]
    public void IsRetrySafe_EveryCartOrderAndStockMethodButTheDelta_IsRetrySafe(MethodInfo method) =>
        Assert.True(RetrySafeCallFilter.IsRetrySafe(method), $"{method.DeclaringType!.Name}.{method.Name}");

    [Theory]
    [InlineData(typeof(IStockGrain), nameof(IStockGrain.AdjustAsync))]
    [InlineData(typeof(ICatalogGrain), nameof(ICatalogGrain.CreateProductAsync))]
    [InlineData(typeof(ICatalogGrain), nameof(ICatalogGrain.AddVariantAsync))]
    [InlineData(typeof(ICatalogGrain), nameof(ICatalogGrain.ImportAsync))]
    public void IsRetrySafe_AChangeWithoutAnId_IsNot(Type grain, string method) =>
        Assert.False(RetrySafeCallFilter.IsRetrySafe(grain.GetMethod(method)!));

    [Fact]
    public async Task Invoke_RetrySafeCallWhoseSiloLeftOnce_IsSentAgainAndSucceeds()
    {
        var call = FakeCall.Create(Reserve, new SiloUnavailableException("the target silo became unavailable"));

        await Filter().Invoke(call);

        Assert.Equal(2, ((FakeCall)(object)call).Attempts);
    }

    [Fact]
    public async Task Invoke_RetrySafeCallFailingEveryTime_GivesUpAfterTwoRetries()
    {
        var failures = Enumerable.Range(0, 5).Select(_ => (Exception)new NotDurableException("fenced")).ToArray();
        var call = FakeCall.Create(Reserve, failures);

        await Assert.ThrowsAsync<NotDurableException>(() => Filter().Invoke(call));

        Assert.Equal(3, ((FakeCall)(object)call).Attempts);
    }

    [Fact]
    public async Task Invoke_CallThatIsNotRetrySafe_FailsAtOnce()
    {
        var call = FakeCall.Create(Adjust, new SiloUnavailableException("the target silo became unavailable"));

        await Assert.ThrowsAsync<SiloUnavailableException>(() => Filter().Invoke(call));

        Assert.Equal(1, ((FakeCall)(object)call).Attempts);
    }

    [Fact]
    public async Task Invoke_RetrySafeCallRefusedByTheGrain_IsNotSentAgain()
    {
        var call = FakeCall.Create(Reserve, new StoreRuleException(RuleCodes.InvalidId, "bad id"));

        await Assert.ThrowsAsync<StoreRuleException>(() => Filter().Invoke(call));

        Assert.Equal(1, ((FakeCall)(object)call).Attempts);
    }

    private static RetrySafeCallFilter Filter() => new(NullLogger<RetrySafeCallFilter>.Instance);

    /// <summary>A call context whose attempts fail with the exceptions given, in order, then succeed.</summary>
    public class FakeCall : DispatchProxy
    {
        private MethodInfo _method = null!;
        private Queue<Exception> _failures = null!;

        public int Attempts { get; private set; }

        public static IOutgoingGrainCallContext Create(MethodInfo method, params Exception[] failures)
        {
            var call = Create<IOutgoingGrainCallContext, FakeCall>();
            var fake = (FakeCall)(object)call;
            fake._method = method;
            fake._failures = new Queue<Exception>(failures);
            return call;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_InterfaceMethod" => _method,
            "get_MethodName" => _method.Name,
            "get_TargetId" => default(GrainId),
            "get_Response" => null,
            nameof(IGrainCallContext.Invoke) => Attempt(),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };

        private Task Attempt()
        {
            Attempts++;
            return _failures.TryDequeue(out var failure) ? Task.FromException(failure) : Task.CompletedTask;
        }
    }
}
