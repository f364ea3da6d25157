using System.Security.Claims;

namespace MultiStore.Api.Auth;

/// <summary>Who acts, as grains record it for the audit trail.</summary>
public static class Actors
{
    public const string Anonymous = "anonymous";

    /// <summary><c>user:&lt;sub&gt;</c> for a token holder, <see cref="Anonymous"/> for shoppers.</summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user.FindFirst(AuthClaims.Subject)?.Value is { Length: > 0 } subject ? $"user:{subject}" : Anonymous;
}
