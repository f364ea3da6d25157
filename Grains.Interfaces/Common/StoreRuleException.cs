namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// A business rule refused the request (nothing was changed). <see cref="Code"/> is a stable,
/// kebab-case reason from <see cref="RuleCodes"/> that the API turns into a 4xx problem type.
/// </summary>
[GenerateSerializer, Alias("multistore.StoreRuleException")]
public sealed class StoreRuleException : Exception
{
    public StoreRuleException(string code, string message) : base(message) => Code = code;

    [Id(0)] public string Code { get; }
}
