using System.Security.Claims;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Auth;

/// <summary>Who acts, as grains record it for the audit trail.</summary>
public static class Actors
{
    public const string Anonymous = "anonymous";

    /// <summary>Most characters of a token's subject an actor name keeps.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>
    /// <c>user:&lt;sub&gt;</c> for a token holder, <see cref="Anonymous"/> for shoppers. The subject is the identity
    /// provider's text, written into every ledger line and audit record the holder causes: what is not
    /// <see cref="PlainText"/> becomes <c>?</c> (a NUL would make PostgreSQL refuse the stock journal's whole
    /// transaction, a bidirectional override would turn the audit trail's lines around) and it is cut at
    /// <see cref="MaxSubjectLength"/> characters, never between the two halves of one character (an emoji): half of
    /// one would show as a replacement character, and PostgreSQL's client refuses to encode it.
    /// </summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user.FindFirst(AuthClaims.Subject)?.Value is { Length: > 0 } subject ? $"user:{Printable(subject)}" : Anonymous;

    private static string Printable(string subject)
    {
        var length = subject.Length > MaxSubjectLength && char.IsSurrogatePair(subject[MaxSubjectLength - 1], subject[MaxSubjectLength])
            ? MaxSubjectLength - 1
            : Math.Min(subject.Length, MaxSubjectLength);
        return PlainText.Plain(subject[..length]);
    }
}
