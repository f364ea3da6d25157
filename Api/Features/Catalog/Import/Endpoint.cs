using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using FastEndpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using MultiStore.Api.Auth;
using MultiStore.Api.Features.Stock;
using MultiStore.Api.Hosting;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Catalog.Import;

/// <summary>
/// POST /admin/catalog/import (<c>text/csv</c>, format in <see cref="CatalogCsv"/>): products, variants and stock counts
/// from a spreadsheet. The body is read as a stream, row by row; every row is checked before anything changes and
/// every problem is answered with its row number (422, nothing changed). The store is the one of the host: a column
/// that names a store is refused. This route alone accepts bodies up to <c>RequestLimits:MaxImportBytes</c>.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest<Response>
{
    public const string InvalidImport = "invalid-import";
    public const string DryRunParameter = "dryRun";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    public const string StoreColumnRefused = "store-column-refused";
    public const int MaxRows = 50_000;
    public const int MaxReportedErrors = 200;

    public const string NotAppliedWhileUnavailable =
        "Not applied: the store service was briefly unavailable. The products are imported; send the file again to apply the count (counts are absolute).";

    public override void Configure()
    {
        Post("/admin/catalog/import");
        Policies(StorePermissions.Policy(StorePermissions.CatalogWrite), StorePermissions.Policy(StorePermissions.StockWrite));
        Options(route => route.WithMetadata(new OwnBodyLimitMetadata(limits => limits.MaxImportBytes)));
        Description(endpoint => endpoint
            .WithTags("Store admin")
            .WithSummary("Import products, variants and stock from CSV (all or nothing)")
            .Accepts<string>(CatalogCsv.ContentType)
            .ProducesProblem(413)
            .ProducesProblem(415)
            .ProducesProblem(422)
            .AddOpenApiOperationTransformer(DescribeDryRun));
    }

    /// <summary>
    /// The endpoint takes no request object (the body is a CSV stream), so nothing describes <c>?dryRun=</c> but this.
    /// </summary>
    private static Task DescribeDryRun(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(OpenApiExtensions.OptionalQueryParameter(
            DryRunParameter,
            typeof(bool),
            "Optional, true or false (default false). True checks the file and answers what the import would do, changing nothing."));
        return Task.CompletedTask;
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!IsUtf8Csv(HttpContext.Request.ContentType))
        {
            await Send.ResultAsync(ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, ApiProblemCodes.UnsupportedMediaType,
                "Unsupported media type", $"Send the file as {CatalogCsv.ContentType} in UTF-8 (charset=utf-8, or no charset)."));
            return;
        }

        // Anything but one true or false is refused: a mistyped "?dryRun=1" must not import for real.
        var dryRunValue = HttpContext.Request.Query[DryRunParameter];
        var dryRun = false;
        if (dryRunValue.Count > 0 && (dryRunValue.Count > 1 || !bool.TryParse(dryRunValue[0], out dryRun)))
        {
            AddError(DryRunParameter, "Give dryRun once, as true or false.");
            ThrowIfAnyErrors();
        }

        var warehouseRead = grains.Warehouse().GetAsync();
        var currency = (await grains.Catalog().GetSettingsAsync()).Currency;
        var limit = Resolve<IOptions<RequestLimitsOptions>>().Value.MaxImportBytes;
        var errors = new List<ImportError>();
        var rows = new List<CatalogCsv.Row>();
        await using (var body = new LimitedStream(HttpContext.Request.Body, limit))
        {
            var problem = await ReadAsync(body, currency, rows, errors, ct);
            if (problem is not null)
            {
                await Send.ResultAsync(problem);
                return;
            }
        }

        var warehouse = await warehouseRead;
        var stockedElsewhere = await StockedInUnlistedZonesAsync(rows, warehouse.DefaultZone, warehouse.Has, ct);
        var (products, counts) = Plan(
            rows, warehouse.DefaultZone, (row, zone) => warehouse.Has(zone) || (row.Sku is { } sku && stockedElsewhere.Contains((sku, zone))), errors);
        if (errors.Count > 0)
        {
            // The file is refused before the catalog sees it: its new prices are checked here, so every row is reported at once.
            errors.AddRange(await NewPriceErrorsAsync(rows, currency));
            await Send.ResultAsync(Invalid(errors));
            return;
        }

        // A dry run asks the catalog to check the file exactly as it would import it, and stops there.
        var result = dryRun ? await grains.Catalog().CheckImportAsync(products) : await grains.Catalog().ImportAsync(products);
        if (result.Errors.Count > 0)
        {
            await Send.ResultAsync(Invalid([.. result.Errors]));
            return;
        }

        // A dry run's SKUs are the ones the import would issue: a variant still to be created has an entry never stocked.
        var stock = counts.Select(count => count with { Sku = result.SkuByRow[count.Row] }).ToList();
        if (dryRun)
        {
            // Read-only: the counts the import would refuse, judged against the levels as they are now.
            var refused = await StockLevels.CheckAsync(grains, stock, "catalog import", ct);
            await Send.OkAsync(
                new Response(
                    rows.Count,
                    result.ProductsCreated,
                    result.ProductsUpdated,
                    result.VariantsCreated,
                    0,
                    [.. refused.Select(StockError)],
                    true,
                    clock.ElapsedMilliseconds),
                ct);
            return;
        }

        // The catalog is stored by now, so a count that met an unavailable cluster is reported with its row, not as a
        // 503 for the whole file: the admin sees what is in, and sending the file again (counts are absolute) does the rest.
        var outcome = await StockLevels.ApplyAsync(grains, stock, "catalog import", ct);
        var stockErrors = outcome.Refused
            .Select(StockError)
            .Concat(outcome.Unavailable.Select(failure => new StockRowError(
                failure.Count.Row, CatalogCsv.OnHand, ApiProblemCodes.ServiceUnavailable, NotAppliedWhileUnavailable)))
            .OrderBy(error => error.Row)
            .ToList();
        await Send.OkAsync(
            new Response(
                rows.Count,
                result.ProductsCreated,
                result.ProductsUpdated,
                result.VariantsCreated,
                stock.Count - stockErrors.Count,
                stockErrors,
                false,
                clock.ElapsedMilliseconds),
            ct);
    }

    private static StockRowError StockError(StockCountFailure failure) =>
        new(failure.Count.Row, CatalogCsv.OnHand, failure.Code, failure.Message);

    /// <summary>
    /// <c>text/csv</c> with no charset or with UTF-8: a file in another encoding would be read with its accented letters
    /// replaced, and a changed attribute value makes a new variant with a SKU that is never given back.
    /// </summary>
    private static bool IsUtf8Csv(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, CatalogCsv.ContentType, StringComparison.OrdinalIgnoreCase)
        && media.CharSet?.Trim('"').ToLowerInvariant() is null or "utf-8" or "utf8";

    /// <summary>Streams the CSV into rows; answers a problem for a file that cannot be read at all.</summary>
    private static async Task<ApiProblem?> ReadAsync(Stream body, string currency, List<CatalogCsv.Row> rows, List<ImportError> errors, CancellationToken ct)
    {
        // Bytes that are not UTF-8 are refused, not replaced: the whole file is then refused and nothing changes.
        using var reader = new StreamReader(body, StrictUtf8, leaveOpen: true);
        var number = 0;
        Dictionary<string, int>? header = null;
        try
        {
            await foreach (var fields in CsvStream.ReadAsync(reader))
            {
                ct.ThrowIfCancellationRequested();
                number++;
                if (header is null)
                {
                    var (columns, problem) = Header(fields);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    header = columns;
                    continue;
                }

                if (fields.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (number - 1 > MaxRows)
                {
                    return Problem(InvalidImport, $"A file has at most {MaxRows} rows; split it.");
                }

                if (CatalogCsv.Parse(number, header, fields, currency, errors) is { } row)
                {
                    rows.Add(row);
                }
            }
        }
        catch (CsvStream.MalformedException malformed)
        {
            errors.Add(new ImportError(number + 1, null, $"The file is not valid CSV here: {malformed.Message}"));
            return Invalid(errors);
        }
        catch (DecoderFallbackException)
        {
            // Decoded a block ahead of the rows handed out, so no row number is exact.
            return Problem(InvalidImport, $"The file is not UTF-8 text (after row {number}). Save it as CSV UTF-8 and send it again.");
        }

        return header is null ? Problem(InvalidImport, "The file is empty: it needs a header row.") : null;
    }

    private static (Dictionary<string, int>? Columns, ApiProblem? Problem) Header(string[] fields)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < fields.Length; index++)
        {
            var name = fields[index].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (CatalogCsv.StoreColumns.Contains(name))
            {
                return (null, Problem(StoreColumnRefused,
                    $"Column '{fields[index]}' names a store: the store is the one whose host the file is sent to. Remove the column."));
            }

            if (!CatalogCsv.Columns.Contains(name))
            {
                return (null, Problem(InvalidImport, $"Unknown column '{fields[index]}'; the columns are {string.Join(", ", CatalogCsv.Columns)}."));
            }

            if (!columns.TryAdd(name, index))
            {
                return (null, Problem(InvalidImport, $"Column '{name}' is given twice."));
            }
        }

        return columns.ContainsKey(CatalogCsv.Handle) ? (columns, null) : (null, Problem(InvalidImport, "The header needs a 'handle' column."));
    }

    /// <summary>
    /// The (SKU, zone) pairs of rows that count a zone the warehouse does not list, for a SKU already stocked there
    /// (<see cref="StockZones"/>, looked up in bulk). An earlier release's <c>PUT /admin/stock/{sku}/{zone}</c> accepted
    /// any zone, and the export writes every zone a SKU is stocked in: such a row is the export of stock that exists,
    /// and importing the export again must change nothing. A zone new to the SKU must still be added to the warehouse first. Only rows naming an unlisted zone are looked up (once per
    /// SKU), so a file within the warehouse's zones costs no lookup.
    /// </summary>
    private async Task<HashSet<(string Sku, string Zone)>> StockedInUnlistedZonesAsync(
        List<CatalogCsv.Row> rows, string defaultZone, Func<string, bool> zoneListed, CancellationToken ct)
    {
        var skus = rows
            .Where(row => row is { OnHand: not null, Sku: not null } && !zoneListed(row.Zone ?? defaultZone))
            .Select(row => row.Sku!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var stocked = new HashSet<(string Sku, string Zone)>();
        await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = StockLevels.Parallelism, CancellationToken = ct }, async (sku, _) =>
        {
            var zones = await StockZones.StockedZonesAsync(grains, sku);
            lock (stocked)
            {
                stocked.UnionWith(zones.Select(zone => (sku, zone)));
            }
        });

        return stocked;
    }

    /// <summary>
    /// Groups rows into products (first row's fields win; a later row may not contradict them) and stock counts. Each
    /// product's variant rows go into one list, and a product with more distinct variants than
    /// <see cref="CatalogRules.MaxVariants"/> is an error at the row that passes the limit: the catalog grain, which
    /// serves the whole store one call at a time, is never handed a file of one product with thousands of variants.
    /// </summary>
    private static (List<ProductImport> Products, List<StockCount> Counts) Plan(
        List<CatalogCsv.Row> rows, string defaultZone, Func<CatalogCsv.Row, string, bool> zoneAccepted, List<ImportError> errors)
    {
        var products = new List<PlannedProduct>();
        var byHandle = new Dictionary<string, PlannedProduct>(StringComparer.Ordinal);
        var counts = new List<StockCount>();
        var counted = new Dictionary<(string Handle, string Attributes, string Zone), int>();
        foreach (var row in rows)
        {
            if (!byHandle.TryGetValue(row.Handle, out var product))
            {
                product = new PlannedProduct(new ProductImport(row.Number, row.Handle, row.Name, row.Category, row.Price, row.Status, []));
                byHandle[row.Handle] = product;
                products.Add(product);
            }
            else
            {
                var first = product.Fields;
                Agree(row, CatalogCsv.Name, first.Name, row.Name, errors);
                Agree(row, CatalogCsv.Category, first.Category, row.Category, errors);
                // Compared as amounts: "10" and "10.00" are one price, "1.234" and "1.235" dinars two.
                Agree(row, CatalogCsv.Price, Amount(first.Price), Amount(row.Price), errors);
                Agree(row, CatalogCsv.Status, first.Status?.ToString(), row.Status?.ToString(), errors);
                product.Fields = first with
                {
                    Name = first.Name ?? row.Name,
                    Category = first.Category ?? row.Category,
                    Price = first.Price ?? row.Price,
                    Status = first.Status ?? row.Status,
                };
            }

            // The catalog's own idea of one variant: "Café" composed or decomposed, in any case, is one.
            var variantKey = CatalogRules.VariantKey(row.Attributes);
            // A variant may take several rows (one per zone): the limit is on distinct variants, reported once.
            if (product.VariantKeys.Add(variantKey) && product.VariantKeys.Count == CatalogRules.MaxVariants + 1)
            {
                errors.Add(new ImportError(row.Number, CatalogCsv.Attributes, CatalogRules.MaxVariantsRule));
            }

            product.Variants.Add(new VariantImport(row.Number, row.Attributes, row.Sku));

            if (row.Zone is not null && row.OnHand is null)
            {
                errors.Add(new ImportError(row.Number, CatalogCsv.OnHand, "A row with a zone needs on_hand."));
            }
            else if (row.OnHand is { } onHand)
            {
                var zone = row.Zone ?? defaultZone;
                var key = (row.Handle, variantKey, zone);
                if (!zoneAccepted(row, zone))
                {
                    errors.Add(new ImportError(row.Number, CatalogCsv.Zone, StockZones.Unknown(zone)));
                }
                else if (counted.TryGetValue(key, out var earlier))
                {
                    errors.Add(new ImportError(row.Number, CatalogCsv.Zone, $"Row {earlier} already counts this variant in zone '{zone}'."));
                }
                else
                {
                    counted[key] = row.Number;
                    counts.Add(new StockCount(string.Empty, zone, onHand, row.SafetyStock, row.Number, row.OnHandBasis, row.SafetyStockBasis));
                }
            }
        }

        return ([.. products.Select(product => product.Fields with { Variants = product.Variants })], counts);
    }

    /// <summary>A price as one text per amount, all its decimals kept (a price has at most <see cref="CatalogRules.MaxPriceDecimals"/>).</summary>
    private static string? Amount(decimal? price) => price?.ToString("0.####", CultureInfo.InvariantCulture);

    private static void Agree(CatalogCsv.Row row, string column, string? first, string? value, List<ImportError> errors)
    {
        if (first is not null && value is not null && first != value)
        {
            errors.Add(new ImportError(row.Number, column, $"'{value}' differs from the product's earlier row ('{first}'); leave it empty or repeat it."));
        }
    }

    private static ApiProblem Problem(string code, string detail) =>
        ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, code, code == StoreColumnRefused ? "Store column refused" : "Invalid import", detail);

    /// <summary>
    /// The rows whose price has more decimals than the store's currency and is not the one its product has stored (one
    /// stored before that rule may come back unchanged): the catalog's own check, for a file it will not be shown.
    /// </summary>
    private async Task<List<ImportError>> NewPriceErrorsAsync(List<CatalogCsv.Row> rows, string currency)
    {
        var doubtful = rows.Where(row => row.Price is { } price && !CatalogRules.IsPrice(price, currency)).ToList();
        var stored = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var handle in doubtful.Select(row => row.Handle).Distinct(StringComparer.Ordinal))
        {
            stored[handle] = (await grains.Catalog().GetProductAsync(handle))?.Price;
        }

        return [.. doubtful
            .Where(row => !CatalogRules.IsPriceChange(row.Price!.Value, stored[row.Handle], currency))
            .Select(row => new ImportError(row.Number, CatalogCsv.Price, CatalogRules.PriceRule(row.Price!.Value, currency)))];
    }

    private static ApiProblem Invalid(List<ImportError> errors)
    {
        var ordered = errors.OrderBy(error => error.Row).ToList();
        var problem = Problem(InvalidImport, $"{ordered.Count} problem(s); nothing was imported. First: row {ordered[0].Row}: {ordered[0].Message}");
        problem.Details.Extensions["errorCount"] = ordered.Count;
        problem.Details.Extensions["errors"] = ordered.Take(MaxReportedErrors).Select(error => new RowError(error.Row, error.Column, error.Message)).ToList();
        return problem;
    }

    /// <summary>One product of the file while its rows are gathered: its fields so far and every variant row.</summary>
    private sealed class PlannedProduct(ProductImport fields)
    {
        public ProductImport Fields { get; set; } = fields;

        public List<VariantImport> Variants { get; } = [];

        public HashSet<string> VariantKeys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A read-only view of the body that answers 413 as soon as more than <paramref name="limit"/> bytes arrive.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"The file may be at most {limit} bytes.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}
