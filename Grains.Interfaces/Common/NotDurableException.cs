namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// A change could not be made durable (storage unreachable, or another activation of the same grain wrote
/// first). Nothing was acknowledged; the caller may retry with the same ids and gets a consistent answer.
/// </summary>
[GenerateSerializer, Alias("multistore.NotDurableException")]
public sealed class NotDurableException : Exception
{
    public NotDurableException(string message) : base(message)
    {
    }
}
