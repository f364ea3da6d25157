namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// Marks a grain method (or every method of a grain interface) that may be sent again when the call failed only
/// because the grain's activation went away under it (its silo stopped or died): a repeat with the same arguments
/// changes nothing more than the first call did, because the method reads, sets an absolute value, or is keyed by
/// an id it was given. The infrastructure retries such calls (<c>Grains/Hosting/RetrySafeCallFilter.cs</c>); a
/// method without the mark (a stock delta, which has no id) fails to its caller instead.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, Inherited = false)]
public sealed class RetrySafeAttribute : Attribute;
