using System.Security.Cryptography;
using System.Text;

namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>The entity part of an <see cref="IPaymentReferenceGrain"/>'s key.</summary>
public static class PaymentReferenceId
{
    /// <summary>
    /// The lowercase hex SHA-256 of the reference's UTF-8: any text a payment provider sends (up to the order's limit)
    /// makes a key of fixed length, with no separator, and the exact reference (letter case included) is what matters.
    /// </summary>
    public static string Of(string paymentReference) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(paymentReference)));
}
