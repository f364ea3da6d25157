namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>
/// One product of an import: created when its handle is new, otherwise its given fields are updated and its
/// variants matched by attributes (new attribute sets become new variants). Row numbers travel with each part so
/// the catalog can report errors against the file.
/// </summary>
[GenerateSerializer, Immutable, Alias("multistore.ProductImport")]
public sealed record ProductImport(
    [property: Id(0)] int Row,
    [property: Id(1)] string Handle,
    [property: Id(2)] string? Name,
    [property: Id(3)] string? Category,
    [property: Id(4)] decimal? Price,
    [property: Id(5)] ProductStatus? Status,
    [property: Id(6)] IReadOnlyList<VariantImport> Variants);

/// <summary>A variant of an imported product; <see cref="Sku"/>, when given, must be the SKU already issued for it.</summary>
[GenerateSerializer, Immutable, Alias("multistore.VariantImport")]
public sealed record VariantImport(
    [property: Id(0)] int Row,
    [property: Id(1)] IReadOnlyDictionary<string, string> Attributes,
    [property: Id(2)] string? Sku);

/// <summary>A problem with one row of an imported file (1-based, the header being row 1).</summary>
[GenerateSerializer, Immutable, Alias("multistore.ImportError")]
public sealed record ImportError(
    [property: Id(0)] int Row,
    [property: Id(1)] string? Column,
    [property: Id(2)] string Message);

/// <summary>
/// What an import did: nothing when <see cref="Errors"/> is not empty (all or nothing), otherwise the counts and the
/// SKU of every imported variant by its row.
/// </summary>
[GenerateSerializer, Immutable, Alias("multistore.CatalogImportResult")]
public sealed record CatalogImportResult(
    [property: Id(0)] IReadOnlyList<ImportError> Errors,
    [property: Id(1)] int ProductsCreated,
    [property: Id(2)] int ProductsUpdated,
    [property: Id(3)] int VariantsCreated,
    [property: Id(4)] IReadOnlyDictionary<int, string> SkuByRow);
