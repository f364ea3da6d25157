namespace MultiStore.Api.Features.Catalog.Import;

/// <summary>
/// What an import did. The catalog part is all or nothing (a file with any bad row changes nothing and answers 422);
/// stock counts are applied after it, each on its own: <see cref="StockErrors"/> lists the rows whose count was refused
/// then (e.g. fewer units than are reserved, or a count edited in an export whose stock moved since), everything else
/// is applied, and sending the same file again is safe.
/// </summary>
/// <param name="DryRun">
/// True when the file was only checked (<c>?dryRun=true</c>): nothing was changed, the product counts say what the import
/// would do, no stock count is applied, and <see cref="StockErrors"/> lists the counts the import would refuse against the
/// levels as they are now (see <c>StockLevels.CheckAsync</c>).
/// </param>
public sealed record Response(
    int Rows,
    int ProductsCreated,
    int ProductsUpdated,
    int VariantsCreated,
    int StockCountsApplied,
    IReadOnlyList<StockRowError> StockErrors,
    bool DryRun,
    long ElapsedMs);

/// <param name="Row">The row as a spreadsheet numbers it (the header is row 1).</param>
public sealed record RowError(int Row, string? Column, string Message);

/// <summary>A row whose stock count the entry refused.</summary>
/// <param name="Code">The entry's refusal, a problem code (e.g. <c>on-hand-below-reserved</c>, <c>stock-changed</c>).</param>
public sealed record StockRowError(int Row, string? Column, string Code, string Message);
