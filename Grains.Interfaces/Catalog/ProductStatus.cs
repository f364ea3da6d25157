namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>Whether shoppers see a product. Archiving hides it; its SKUs stay issued and are never reused.</summary>
[GenerateSerializer, Alias("multistore.ProductStatus")]
public enum ProductStatus
{
    Active = 0,
    Archived = 1,
}
