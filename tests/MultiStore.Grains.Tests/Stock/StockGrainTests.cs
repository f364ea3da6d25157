using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

[Collection(ClusterCollection.Name)]
public sealed class StockGrainTests(ClusterFixture cluster)
{
    private const string Sku = "TEE-BLK-M";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    public static TheoryData<string> InvalidAdjustments => new(InvalidAdjustment.Cases.Keys);

    [Fact]
    public async Task AdjustAsync_ByAnActorLongerThanTheLedgerKeeps_IsRecordedWithTheActorCutToFit()
    {
        // A token's subject is its issuer's to choose; the ledger's actor column holds 200 characters, and a longer
        // value would fail the journal transaction shared by every entry of the silo.
        var actor = "user:" + new string('s', 300);
        var stock = cluster.Stock(_tenant, Sku);
        using (TenantContext.ForTenant(_tenant, actor))
        {
            await stock.AdjustAsync(ClusterFixture.SetOnHand(4));
        }

        using var _ = ClusterFixture.ActAs(_tenant);
        var line = Assert.Single((await stock.GetLedgerAsync(null, 10)).Entries);
        Assert.Equal(actor[..200], line.Actor);
        Assert.Equal(4, line.OnHandAfter);
    }

    [Fact]
    public async Task AdjustAsync_ByAnActorWhoseCutFallsWithinACharacter_IsRecordedWithoutHalfOfIt()
    {
        // An emoji is two UTF-16 halves; cut between them, the ledger line would hold text PostgreSQL's client cannot
        // encode, and that fails the journal transaction of every entry the silo writes with it, other stores' too.
        var actor = "user:" + new string('s', 194) + "\U0001F600" + new string('s', 50);
        var stock = cluster.Stock(_tenant, Sku);
        using (TenantContext.ForTenant(_tenant, actor))
        {
            await stock.AdjustAsync(ClusterFixture.SetOnHand(4));
        }

        using var _ = ClusterFixture.ActAs(_tenant);
        var line = Assert.Single((await stock.GetLedgerAsync(null, 10)).Entries);
        Assert.Equal(actor[..199], line.Actor);
        Assert.DoesNotContain(line.Actor, char.IsSurrogate);
    }

    [Fact]
    public async Task GetAsync_WhenNeverAdjusted_IsNotStocked()
    {
        var level = await cluster.LevelAsync(_tenant, Sku);

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 0, 0, 0, IsStocked: false), level);
    }

    [Fact]
    public async Task IsStockedAsync_NeverStocked_LeavesNoActivationBehind_WhileAStockedEntryStays()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var madeUp = cluster.Stock(_tenant, "NO-SUCH-SKU");
        var stocked = cluster.Stock(_tenant, Sku);
        await stocked.AdjustAsync(ClusterFixture.SetOnHand(1));

        Assert.False((await madeUp.ReserveAsync("r-1", 1, TimeSpan.FromMinutes(5))).IsHeld);
        Assert.False(await madeUp.IsStockedAsync());
        Assert.True(await stocked.IsStockedAsync());

        await cluster.WaitUntilDeactivatedAsync(madeUp);
        Assert.NotNull(await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(stocked));
    }

    [Fact]
    public async Task AdjustAsync_SetOnHand_SetsOnHandAndMarksStocked()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Stock(_tenant, Sku);

        var level = await stock.AdjustAsync(new StockAdjustment(Delta: null, SetOnHand: 100, SafetyStock: 0, Reason: "set"));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 100, 0, 0, IsStocked: true), level);
        Assert.Equal(level, await stock.GetAsync());
        Assert.Equal(100, level.Available);
    }

    [Fact]
    public async Task AdjustAsync_Delta_ChangesOnHandByDelta()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 100);
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Equal(105, (await stock.AdjustAsync(ClusterFixture.Delta(5))).OnHand);
        Assert.Equal(95, (await stock.AdjustAsync(ClusterFixture.Delta(-10))).OnHand);
        Assert.Equal(95, (await stock.GetAsync()).OnHand);
    }

    [Theory]
    [InlineData("r-\u0000")]
    [InlineData("r-\u001b[31m")]
    [InlineData("r-\u007f")]
    [InlineData("r-\u0085")]
    public async Task ReserveAsync_IdWithAControlCharacter_IsRefusedAndHoldsNothing(string reservationId)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => stock.ReserveAsync(reservationId, 1, Ttl));

        Assert.Equal(0, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task AdjustAsync_SafetyStock_IsKeptOutOfAvailable()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);

        var level = await stock.AdjustAsync(ClusterFixture.SetOnHand(10, safetyStock: 3));
        var reserved = await stock.ReserveAsync("r-1", 7, Ttl);
        var refused = await stock.ReserveAsync("r-2", 1, Ttl);

        Assert.Equal(7, level.Available);
        Assert.Equal(ReservationStatus.Reserved, reserved.Status);
        Assert.Equal(0, reserved.Available);
        Assert.Equal(ReservationStatus.InsufficientStock, refused.Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 7, 3, true), await stock.GetAsync());
    }

    [Fact]
    public async Task AdjustAsync_SafetyStockAboveOnHand_AvailableIsZeroNotNegative()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);

        var level = await stock.AdjustAsync(ClusterFixture.SetOnHand(5, safetyStock: 8));

        Assert.Equal(0, level.Available);
        Assert.Equal(ReservationStatus.InsufficientStock, (await stock.ReserveAsync("r-1", 1, Ttl)).Status);
    }

    [Theory]
    [InlineData(5, null)]
    [InlineData(null, -6)]
    public async Task AdjustAsync_OnHandBelowReserved_IsRefusedAndChangesNothing(int? setOnHand, int? delta)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 6, Ttl);

        await StoreAssert.RefusedAsync(
            RuleCodes.OnHandBelowReserved,
            () => stock.AdjustAsync(new StockAdjustment(delta, setOnHand, null, "shrink")));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 6, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task AdjustAsync_DeltaRemovingMoreThanIsOnHand_IsRefusedSayingWhatIsOnHand()
    {
        // Nothing is reserved: the refusal must say that on-hand would go below 0, and by how much, not quote a
        // made-up on-hand against the reserved units.
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var refusal = await StoreAssert.RefusedAsync(
            RuleCodes.OnHandBelowReserved,
            () => stock.AdjustAsync(new StockAdjustment(-25, null, null, "damage")));

        Assert.Contains("-15", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("10 on hand", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-1 ", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await stock.GetAsync());
    }

    [Theory]
    [MemberData(nameof(InvalidAdjustments))]
    public async Task AdjustAsync_InvalidAdjustment_IsRefusedAsInvalidQuantityAndChangesNothing(string @case)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 100);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.AdjustAsync(InvalidAdjustment.Cases[@case]));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 100, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task AdjustAsync_InvalidFirstAdjustment_LeavesEntryUnstocked()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.AdjustAsync(ClusterFixture.SetOnHand(-1)));

        Assert.False((await stock.GetAsync()).IsStocked);
    }

    [Fact]
    public async Task ReserveAsync_WhenAvailable_HoldsUnitsUntilNowPlusTtl()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var result = await stock.ReserveAsync("r-1", 3, Ttl);

        Assert.Equal(new ReservationResult("r-1", ReservationStatus.Reserved, 3, cluster.Now + Ttl, 7), result);
        Assert.True(result.IsHeld);
        var level = await stock.GetAsync();
        Assert.Equal((10, 3, 7), (level.OnHand, level.Reserved, level.Available));
    }

    [Fact]
    public async Task ReserveAsync_WhenTooFewAvailable_AnswersInsufficientStockAndHoldsNothing()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 2);
        using var _ = ClusterFixture.ActAs(_tenant);

        var result = await stock.ReserveAsync("r-1", 3, Ttl);

        Assert.Equal(ReservationStatus.InsufficientStock, result.Status);
        Assert.Equal(2, result.Available);
        Assert.False(result.IsHeld);
        Assert.Equal(0, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_OnNeverStockedEntry_AnswersInsufficientStock()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        var result = await cluster.Stock(_tenant, Sku).ReserveAsync("r-1", 1, Ttl);

        Assert.Equal(ReservationStatus.InsufficientStock, result.Status);
        Assert.Equal(0, result.Available);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(IdRules.MaxQuantity + 1)]
    public async Task ReserveAsync_QuantityOutOfRange_IsRefusedAsInvalidQuantity(int quantity)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.ReserveAsync("r-1", quantity, Ttl));

        Assert.Equal(0, (await stock.GetAsync()).Reserved);
        Assert.Equal(ReservationStatus.Unknown, (await stock.ConfirmAsync("r-1")).Status);
    }

    [Fact]
    public async Task ReserveAsync_MaxQuantity_IsAccepted()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, IdRules.MaxQuantity);
        using var _ = ClusterFixture.ActAs(_tenant);

        var result = await stock.ReserveAsync("r-1", IdRules.MaxQuantity, Ttl);

        Assert.Equal(ReservationStatus.Reserved, result.Status);
        Assert.Equal(0, result.Available);
    }

    [Fact]
    public async Task ReserveAsync_SameIdAndQuantityAgain_AnswersTheSameAndReservesNothingMore()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var first = await stock.ReserveAsync("r-1", 3, Ttl);
        cluster.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await stock.ReserveAsync("r-1", 3, Ttl);

        Assert.Equal(first, again);
        Assert.Equal(3, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_SameIdLargerQuantity_GrowsTheReservation()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);

        var grown = await stock.ReserveAsync("r-1", 5, Ttl);

        Assert.Equal(ReservationStatus.Reserved, grown.Status);
        Assert.Equal(5, grown.Quantity);
        Assert.Equal(5, grown.Available);
        Assert.Equal(5, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_SameIdSmallerQuantity_ShrinksTheReservation()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 5, Ttl);

        var shrunk = await stock.ReserveAsync("r-1", 2, Ttl);

        Assert.Equal(ReservationStatus.Reserved, shrunk.Status);
        Assert.Equal(2, shrunk.Quantity);
        Assert.Equal(8, shrunk.Available);
        Assert.Equal(2, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_SameIdGrowingBeyondAvailable_AnswersInsufficientStockAndKeepsOldSize()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ReserveAsync("r-2", 6, Ttl);

        var grow = await stock.ReserveAsync("r-1", 5, Ttl);

        Assert.Equal(ReservationStatus.InsufficientStock, grow.Status);
        Assert.Equal(1, grow.Available);
        Assert.Equal(9, (await stock.GetAsync()).Reserved);
        var confirmed = await stock.ConfirmAsync("r-1");
        Assert.Equal((ReservationStatus.Confirmed, 3), (confirmed.Status, confirmed.Quantity));
        Assert.Equal(7, (await stock.GetAsync()).OnHand);
    }

    [Theory]
    [InlineData(ReservationStatus.Confirmed)]
    [InlineData(ReservationStatus.Released)]
    [InlineData(ReservationStatus.Expired)]
    public async Task ReserveAsync_SettledId_AnswersFinalStatusAndNeverReservesAgain(ReservationStatus settledAs)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await SettleAsync(stock, "r-1", settledAs);
        var settled = await stock.GetAsync();

        var sameQuantity = await stock.ReserveAsync("r-1", 3, Ttl);
        var otherQuantity = await stock.ReserveAsync("r-1", 4, Ttl);
        var extend = await stock.ExtendAsync("r-1", Ttl);

        Assert.Equal(settledAs, sameQuantity.Status);
        Assert.Equal(settledAs, otherQuantity.Status);
        Assert.Equal(settledAs, extend.Status);
        Assert.Null(sameQuantity.ExpiresAt);
        Assert.Equal(0, settled.Reserved);
        Assert.Equal(settled, await stock.GetAsync());
    }

    [Theory]
    [InlineData(ReservationStatus.Confirmed)]
    [InlineData(ReservationStatus.Released)]
    public async Task ReserveAsync_SettledIdRetriedDaysLater_StillAnswersFinalStatus(ReservationStatus settledAs)
    {
        // A reservation may be held for days (ttl), and a client's retry queue may replay a request late:
        // a settled id must never hold units again, however late the retry comes.
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await SettleAsync(stock, "r-1", settledAs);
        var settled = await stock.GetAsync();

        cluster.Time.Advance(TimeSpan.FromDays(2));
        var retry = await stock.ReserveAsync("r-1", 3, Ttl);

        Assert.Equal(settledAs, retry.Status);
        Assert.Equal(settled, await stock.GetAsync());
    }

    [Fact]
    public async Task ConfirmAsync_HeldReservation_TakesUnitsOffOnHandForGood()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);

        var confirmed = await stock.ConfirmAsync("r-1");

        Assert.Equal(new ReservationResult("r-1", ReservationStatus.Confirmed, 3, null, 7), confirmed);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ConfirmAsync_Repeated_AnswersConfirmedAndDecrementsOnce()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ConfirmAsync("r-1");

        var again = await stock.ConfirmAsync("r-1");

        Assert.Equal(ReservationStatus.Confirmed, again.Status);
        Assert.Equal(3, again.Quantity);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ReleaseAsync_HeldReservation_ReturnsUnitsOnceEvenWhenRepeated()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);

        var released = await stock.ReleaseAsync("r-1");
        var again = await stock.ReleaseAsync("r-1");

        Assert.Equal(new ReservationResult("r-1", ReservationStatus.Released, 3, null, 10), released);
        Assert.Equal(ReservationStatus.Released, again.Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ConfirmAsync_AfterRelease_AnswersReleasedWithoutDecrement()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ReleaseAsync("r-1");

        var confirm = await stock.ConfirmAsync("r-1");

        Assert.Equal(ReservationStatus.Released, confirm.Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ReleaseAsync_AfterConfirm_AnswersConfirmedWithoutReturningUnits()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ConfirmAsync("r-1");

        var release = await stock.ReleaseAsync("r-1");

        Assert.Equal(ReservationStatus.Confirmed, release.Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task AdjustAsync_OnlyIfNeverStocked_SetsAFreshEntryOnce_AndNeverGivesBackWhatSoldSince()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);
        var firstCount = new StockAdjustment(null, 10, null, "onboarding template", OnlyIfNeverStocked: true);

        // Two onboardings of the store at once: the entry sets itself once.
        var levels = await Task.WhenAll(stock.AdjustAsync(firstCount), stock.AdjustAsync(firstCount));
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ConfirmAsync("r-1");
        var afterSale = await stock.AdjustAsync(firstCount);

        Assert.All(levels, level => Assert.Equal(10, level.OnHand));
        Assert.Equal(7, afterSale.OnHand);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await stock.GetAsync());
        var delta = await Assert.ThrowsAsync<StoreRuleException>(() => stock.AdjustAsync(new StockAdjustment(5, null, null, "template", OnlyIfNeverStocked: true)));
        Assert.Equal(RuleCodes.InvalidQuantity, delta.Code);
    }

    [Fact]
    public async Task AdjustAsync_WithAnOnHandBasis_WhileOnHandIsStillTheBasis_SetsTheCount()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var level = await stock.AdjustAsync(new StockAdjustment(null, 12, 2, "catalog import", OnHandBasis: 10));
        // The same count sent again (a retried import) finds its own result, not a moved on-hand.
        var again = await stock.AdjustAsync(new StockAdjustment(null, 12, 2, "catalog import", OnHandBasis: 10));

        Assert.Equal((12, 2), (level.OnHand, level.SafetyStock));
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 12, 0, 2, true), again);
    }

    [Fact]
    public async Task AdjustAsync_WithAnOnHandBasis_AfterASale_KeepsWhatSoldAndRefusesAnEditedCount()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        // Counted (exported) at 10; then 4 sold.
        await stock.ReserveAsync("r-1", 4, Ttl);
        await stock.ConfirmAsync("r-1");

        // The count as read, unedited: the 4 sold stay sold; the row's safety stock is still the admin's to set.
        var unedited = await stock.AdjustAsync(new StockAdjustment(null, 10, 1, "catalog import", OnHandBasis: 10));
        var edited = await StoreAssert.RefusedAsync(
            RuleCodes.StockChanged, () => stock.AdjustAsync(new StockAdjustment(null, 12, 3, "catalog import", OnHandBasis: 10)));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 6, 0, 1, true), unedited);
        Assert.Contains("on hand is now 6, not 10", edited.Message, StringComparison.Ordinal);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 6, 0, 1, true), await stock.GetAsync());
        // A count made against the on-hand as it is now applies.
        Assert.Equal(12, (await stock.AdjustAsync(new StockAdjustment(null, 12, null, "recount", OnHandBasis: 6))).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_ThatChangesNothing_WritesNoLedgerLine_AndAnswersTheLevel()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10, safetyStock: 2));
        await stock.ReserveAsync("r-1", 4, Ttl);
        await stock.ConfirmAsync("r-1");
        var before = (await stock.GetLedgerAsync(null, 10)).Entries;

        // The same numbers again, a safety stock left as it is, and an unedited count (basis 10) made before the sale.
        var levels = new[]
        {
            await stock.AdjustAsync(new StockAdjustment(null, 6, 2, "set")),
            await stock.AdjustAsync(new StockAdjustment(null, 6, null, "set")),
            await stock.AdjustAsync(new StockAdjustment(null, 10, 2, "catalog import", OnHandBasis: 10)),
        };

        Assert.All(levels, level => Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 6, 0, 2, true), level));
        Assert.Equal(before, (await stock.GetLedgerAsync(null, 10)).Entries);
        Assert.Equal(2, before.Count);
        // A change of the safety stock alone is a change, and is written.
        Assert.Equal(3, (await stock.AdjustAsync(ClusterFixture.SetOnHand(6, safetyStock: 3))).SafetyStock);
        Assert.Equal(3, (await stock.GetLedgerAsync(null, 10)).Entries.Count);
    }

    [Fact]
    public async Task AdjustAsync_WithASafetyStockBasis_AfterTheAdminChangedIt_KeepsItUnlessEditedAndRefusesAnEditedOne()
    {
        var stock = cluster.Stock(_tenant, Sku);
        using var _ = ClusterFixture.ActAs(_tenant);
        // Exported at on-hand 10, safety stock 2; then the admin raises the safety stock to 5.
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10, safetyStock: 2));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10, safetyStock: 5));

        var unedited = await stock.AdjustAsync(new StockAdjustment(null, 10, 2, "catalog import", OnHandBasis: 10, SafetyStockBasis: 2));
        var edited = await StoreAssert.RefusedAsync(
            RuleCodes.StockChanged, () => stock.AdjustAsync(new StockAdjustment(null, 12, 3, "catalog import", OnHandBasis: 10, SafetyStockBasis: 2)));
        var afterRefusal = await stock.GetAsync();
        var countEdited = await stock.AdjustAsync(new StockAdjustment(null, 12, 2, "catalog import", OnHandBasis: 10, SafetyStockBasis: 2));
        var readNow = await stock.AdjustAsync(new StockAdjustment(null, 12, 1, "catalog import", OnHandBasis: 12, SafetyStockBasis: 5));

        Assert.Equal((10, 5), (unedited.OnHand, unedited.SafetyStock));
        Assert.Contains("safety stock is now 5, not 2", edited.Message, StringComparison.Ordinal);
        Assert.Equal((10, 5), (afterRefusal.OnHand, afterRefusal.SafetyStock));
        Assert.Equal((12, 5), (countEdited.OnHand, countEdited.SafetyStock));
        Assert.Equal((12, 1), (readNow.OnHand, readNow.SafetyStock));
    }

    [Fact]
    public async Task ReturnAsync_WhenOnHandIsNearTheMaximum_PutsBackOnlyUpToIt_AndWritesTheRestOff()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, Ttl);
        await stock.ConfirmAsync("r-1");
        // Restocked to one unit below the cap after the sale; then the sale's payment is reversed.
        await stock.AdjustAsync(ClusterFixture.SetOnHand(IdRules.MaxOnHand - 1));

        var returned = await stock.ReturnAsync("r-1");
        var again = await stock.ReturnAsync("r-1");

        Assert.Equal(ReservationStatus.Returned, returned.Status);
        Assert.Equal(ReservationStatus.Returned, again.Status);
        Assert.Equal(IdRules.MaxOnHand, (await stock.GetAsync()).OnHand);
        var line = (await stock.GetLedgerAsync(null, 10)).Entries[0];
        Assert.Equal((LedgerKinds.Return, 1, IdRules.MaxOnHand), (line.Kind, line.Delta, line.OnHandAfter));
        Assert.Contains("2 units above the maximum on-hand", line.Reason);
        // Still within what adjustments accept, so an admin can move it down from there.
        Assert.Equal(IdRules.MaxOnHand - 1, (await stock.AdjustAsync(ClusterFixture.Delta(-1))).OnHand);
    }

    [Fact]
    public async Task ConfirmReleaseExtend_UnknownId_AnswerUnknownAndChangeNothing()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Equal(ReservationStatus.Unknown, (await stock.ConfirmAsync("nope")).Status);
        Assert.Equal(ReservationStatus.Unknown, (await stock.ReleaseAsync("nope")).Status);
        Assert.Equal(ReservationStatus.Unknown, (await stock.ExtendAsync("nope", Ttl)).Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ExtendAsync_HeldReservation_MovesExpiryToNowPlusTtl()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));
        cluster.Time.Advance(TimeSpan.FromSeconds(30));
        var extendedAt = cluster.Now;

        var extended = await stock.ExtendAsync("r-1", Ttl);
        cluster.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(new ReservationResult("r-1", ReservationStatus.Reserved, 3, extendedAt + Ttl, 7), extended);
        Assert.Equal(3, (await stock.GetAsync()).Reserved);
        Assert.Equal(ReservationStatus.Confirmed, (await stock.ConfirmAsync("r-1")).Status);
    }

    [Fact]
    public async Task ReserveAsync_WhenTtlPasses_ExpiresAndUnitsAreAvailableAgain()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));

        cluster.Time.Advance(TimeSpan.FromMinutes(2));
        var level = await stock.GetAsync();
        var confirm = await stock.ConfirmAsync("r-1");

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), level);
        Assert.Equal(ReservationStatus.Expired, confirm.Status);
        Assert.Equal(10, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task ReserveAsync_JustBeforeExpiry_StillHeld()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));

        cluster.Time.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(3, (await stock.GetAsync()).Reserved);
        Assert.Equal(ReservationStatus.Confirmed, (await stock.ConfirmAsync("r-1")).Status);
    }

    [Fact]
    public async Task ReserveAsync_AfterGrainDeactivation_ReservationIsStillHeld()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        ReservationResult reserved;
        using (ClusterFixture.ActAs(_tenant))
        {
            reserved = await stock.ReserveAsync("r-1", 3, Ttl);
        }

        await cluster.Cluster.DeactivateAsync(stock);

        using var _ = ClusterFixture.ActAs(_tenant);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 3, 0, true), await stock.GetAsync());
        Assert.Equal(reserved, await stock.ReserveAsync("r-1", 3, Ttl));
    }

    [Fact]
    public async Task ReserveAsync_ExpiringWhileDeactivated_UnitsReturnOnReactivation()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));
        }

        await cluster.Cluster.DeactivateAsync(stock);
        cluster.Time.Advance(TimeSpan.FromMinutes(2));

        using var _ = ClusterFixture.ActAs(_tenant);
        Assert.Equal(0, (await stock.GetAsync()).Reserved);
        Assert.Equal(ReservationStatus.Expired, (await stock.ConfirmAsync("r-1")).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ReserveAsync_NonPositiveTtl_IsRefusedAsInvalidTtl(int ttlSeconds)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidTtl, () => stock.ReserveAsync("r-1", 1, TimeSpan.FromSeconds(ttlSeconds)));

        Assert.Equal(0, (await stock.GetAsync()).Reserved);
    }

    private async Task SettleAsync(IStockGrain stock, string reservationId, ReservationStatus settleAs)
    {
        switch (settleAs)
        {
            case ReservationStatus.Confirmed:
                await stock.ConfirmAsync(reservationId);
                break;
            case ReservationStatus.Released:
                await stock.ReleaseAsync(reservationId);
                break;
            case ReservationStatus.Expired:
                cluster.Time.Advance(Ttl + TimeSpan.FromSeconds(1));
                await stock.GetAsync();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settleAs), settleAs, "Not a settled status.");
        }
    }

    /// <summary>Adjustments that break a quantity rule, named so each shows up as its own test case.</summary>
    private static class InvalidAdjustment
    {
        public static readonly IReadOnlyDictionary<string, StockAdjustment> Cases = new Dictionary<string, StockAdjustment>
        {
            ["negative-set-on-hand"] = new(null, -1, null, "set"),
            ["both-delta-and-set"] = new(5, 50, null, "both"),
            ["neither-delta-nor-set"] = new(null, null, 5, "neither"),
            ["zero-delta"] = new(0, null, null, "nothing"),
            ["empty-reason"] = new(5, null, null, ""),
            ["set-above-max-on-hand"] = new(null, IdRules.MaxOnHand + 1, null, "too many"),
            ["delta-above-max-on-hand"] = new(IdRules.MaxOnHand + 1, null, null, "too many"),
            ["delta-to-above-max-on-hand"] = new(IdRules.MaxOnHand, null, null, "too many"),
            ["delta-int-max"] = new(int.MaxValue, null, null, "overflow"),
            ["negative-safety-stock"] = new(null, 100, -1, "negative safety"),
            ["safety-stock-above-max-on-hand"] = new(null, 100, IdRules.MaxOnHand + 1, "too many"),
            ["basis-with-a-delta"] = new(5, null, null, "counted", OnHandBasis: 100),
            ["basis-with-a-first-count"] = new(null, 5, null, "counted", OnlyIfNeverStocked: true, OnHandBasis: 100),
            ["negative-basis"] = new(null, 5, null, "counted", OnHandBasis: -1),
            ["basis-above-max-on-hand"] = new(null, 5, null, "counted", OnHandBasis: IdRules.MaxOnHand + 1),
            ["safety-basis-without-safety-stock"] = new(null, 5, null, "counted", SafetyStockBasis: 2),
            ["safety-basis-with-a-delta"] = new(5, null, 2, "counted", SafetyStockBasis: 2),
            ["safety-basis-with-a-first-count"] = new(null, 5, 2, "counted", OnlyIfNeverStocked: true, SafetyStockBasis: 2),
            ["negative-safety-basis"] = new(null, 5, 2, "counted", SafetyStockBasis: -1),
        };
    }
}
