namespace MultiStore.Grains.Interfaces.Stock;

[GenerateSerializer, Alias("multistore.ReservationStatus")]
public enum ReservationStatus
{
    /// <summary>Units are held for the reservation until it expires.</summary>
    Reserved = 0,

    /// <summary>Paid: the units left on hand for good.</summary>
    Confirmed = 1,

    /// <summary>Given back before expiry (cart line removed, order cancelled).</summary>
    Released = 2,

    /// <summary>Not paid in time: the units went back to available.</summary>
    Expired = 3,

    /// <summary>Nothing was reserved: fewer units are available than asked for.</summary>
    InsufficientStock = 4,

    /// <summary>No reservation with this id exists here.</summary>
    Unknown = 5,

    /// <summary>A confirmed sale taken back (its payment was reversed): the units are on hand again.</summary>
    Returned = 6,
}
