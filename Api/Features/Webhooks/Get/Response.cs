namespace MultiStore.Api.Features.Webhooks.Get;

/// <summary>The store's webhook, never its secret; both fields null when none is set.</summary>
public sealed record Response(string? Url, DateTimeOffset? CreatedAt);
