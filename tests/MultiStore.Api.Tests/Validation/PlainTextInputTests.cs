using System.Net;
using MultiStore.Api.Tests.Tenancy;

namespace MultiStore.Api.Tests.Validation;

/// <summary>
/// Free text that would act on what surrounds it once shown in an admin page, a CSV export or the audit trail
/// (bidirectional overrides and isolates, line and paragraph separators, half an emoji) is refused as a control
/// character is: 400 problem+json, nothing stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PlainTextInputTests(ApiFactory api)
{
    /// <summary>Each kind of character, as it is written inside a JSON string.</summary>
    public static TheoryData<string> Kinds => new()
    {
        "\\u202E",
        "\\u202A",
        "\\u2066",
        "\\u2069",
        "\\u2028",
        "\\u2029",
        "\\ud83d",
        "\\ude00",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IsolatedStore? _store;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AdjustStock_ReasonWithCharacter_Returns400AndChangesNothing(string character)
    {
        var store = await StoreAsync();
        await ExpectRefusedAsync(store, "POST", $"/admin/stock/{store.Ids.Sku}/main/adjustments", $$"""{"delta":1,"reason":"recount{{character}}shelf"}""");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PutZone_NameWithCharacter_Returns400AndChangesNothing(string character)
    {
        var store = await StoreAsync();
        await ExpectRefusedAsync(store, "PUT", "/admin/zones/east", $$"""{"name":"East{{character}}warehouse"}""");
        await ExpectRefusedAsync(store, "PUT", "/admin/zones/main", $$"""{"name":"Main{{character}}floor"}""");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Product_TitleWithCharacter_Returns400AndChangesNothing(string character)
    {
        var store = await StoreAsync();
        await ExpectRefusedAsync(store, "POST", "/admin/products", $$"""{"handle":"plain-text-title","name":"Tee{{character}}exe","category":"Tees","price":5}""");
        await ExpectRefusedAsync(store, "PUT", $"/admin/products/{store.Ids.Handle}", $$"""{"name":"Tee{{character}}exe"}""");
        await ExpectRefusedAsync(store, "PUT", $"/admin/products/{store.Ids.Handle}", $$"""{"category":"Tees{{character}}x"}""");
        await ExpectRefusedAsync(store, "POST", $"/admin/products/{store.Ids.Handle}/variants", $$$"""{"attributes":{"color":"Red{{{character}}}x"}}""");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Product_DescriptionWithCharacter_Returns400AndChangesNothing(string character)
    {
        var store = await StoreAsync();
        await ExpectRefusedAsync(store, "POST", "/admin/products", $$"""{"handle":"plain-text-description","name":"Tee","category":"Tees","price":5,"description":"Soft\n{{character}}cotton"}""");
        await ExpectRefusedAsync(store, "PUT", $"/admin/products/{store.Ids.Handle}", $$"""{"description":"Soft\n{{character}}cotton"}""");
    }

    private async Task ExpectRefusedAsync(IsolatedStore store, string method, string url, string body)
    {
        var before = await StateAsync(store);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = Http.Json(body) };
        await (await store.Driver.Owner.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await StateAsync(store));
    }

    private static async Task<string> StateAsync(IsolatedStore store)
    {
        var zones = await store.Driver.Owner.GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);
        var missing = await store.Driver.Owner.GetAsync("/admin/products/plain-text-title");
        var missingToo = await store.Driver.Owner.GetAsync("/admin/products/plain-text-description");
        return $"{await store.SnapshotAsync()}|{zones.ToJsonString()}|{missing.StatusCode}|{missingToo.StatusCode}";
    }

    /// <summary>One store for the whole class: every request here is refused, so none changes it.</summary>
    private async Task<IsolatedStore> StoreAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _store ??= await IsolatedStore.PrepareAsync(api, "plain-text");
        }
        finally
        {
            Gate.Release();
        }
    }
}
