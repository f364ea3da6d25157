using System.Globalization;

namespace MultiStore.Bench;

/// <summary>What to run and how hard; parsed from the command line (see <see cref="Usage"/>).</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench -- [all|flash-sale|many-stores ...] [options]

          --quick                     smoke run: small N, levels 1,64, a small many-stores spread (about 1 minute)
          --targets LIST              grain,http,pg-rowlock,redis-lua (default: all four)
          --concurrency LIST          shopper counts per level (default 1,64,256,1024)
          --stores T                  flash-sale stores, one hot SKU each (default 1)
          --units N                   units of the hot SKU in each store (default 10000)
          --min-level-seconds S       a target that sold out in under S s in its warm-up runs several sales back to
                                      back in its levels of 64 shoppers or more (rounds of T fresh stores of N
                                      units, at most 30), so that they last about S s (default 2; 0: one sale)
          --level-timeout SECONDS     most time one level may sell for (default 30); the rest is reported unsold
          --soldout-seconds S         sold-out phase length at grain level (default 5; 0 skips it)
          --soldout-concurrency C     shoppers hammering the sold-out SKU (default 256)
          --many-stores S             many-stores: stores (default 1000)
          --many-skus K               many-stores: SKUs per store (default 100)
          --many-units U              many-stores: units per SKU (default 100)
          --many-concurrency C        many-stores: shoppers (default 1024)
          --many-seconds S            many-stores: length of the warm spread phase (default 20)
          --pg-pool P                 pg-rowlock: most connections in its pool (default 64)
          --cluster auto|external     auto (default): start PostgreSQL, Redis, a silo and the Api in cluster mode;
                                      external: use a running cluster (ConnectionStrings__*, Orleans__ClusterId/ServiceId)
          --silos N                   silos started in auto mode (default 1)
          --api-url URL               the Api in cluster mode, http:// (default: the one auto mode starts)
          --silo-env KEY=VALUE        an environment setting for the silos auto mode starts (repeatable), e.g.
                                      Reservations__ExpirySweepInterval=00:00:30 or DOTNET_GCgen0size=0x4000000
          --api-env KEY=VALUE         the same for the Api auto mode starts, e.g. DOTNET_gcServer=0
          --out DIR                   where the JSON goes (default bench/results)
          --silo-dll PATH             the silo build auto mode starts (default Silo/bin/Release/net10.0), for A/B runs
        """;

    public IReadOnlyList<string> Scenarios { get; init; } = [Scenario.FlashSale, Scenario.ManyStores];

    public IReadOnlyList<string> Targets { get; init; } = [Target.Grain, Target.Http, Target.PgRowLock, Target.RedisLua];

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 64, 256, 1024];

    public int Stores { get; init; } = 1;

    public int Units { get; init; } = 10_000;

    public double MinLevelSeconds { get; init; } = 2;

    public TimeSpan LevelTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan SoldOutDuration { get; init; } = TimeSpan.FromSeconds(5);

    public int SoldOutConcurrency { get; init; } = 256;

    public int ManyStores { get; init; } = 1_000;

    public int ManySkus { get; init; } = 100;

    public int ManyUnits { get; init; } = 100;

    public int ManyConcurrency { get; init; } = 1_024;

    public TimeSpan ManyDuration { get; init; } = TimeSpan.FromSeconds(20);

    public int PgPool { get; init; } = 64;

    public bool ExternalCluster { get; init; }

    public int Silos { get; init; } = 1;

    public string? ApiUrl { get; init; }

    public string OutDirectory { get; init; } = Path.Combine("bench", "results");

    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    public string? SiloDll { get; init; }

    public IReadOnlyDictionary<string, string> ApiEnvironment { get; init; } = new Dictionary<string, string>();

    public bool Quick { get; init; }

    public bool Runs(string target) => Targets.Contains(target);

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> naming the bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var scenarios = new List<string>();
        var options = args.Contains("--quick") ? QuickDefaults() : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                scenarios.AddRange(arg switch
                {
                    "all" => [Scenario.FlashSale, Scenario.ManyStores],
                    Scenario.FlashSale or Scenario.ManyStores => [arg],
                    _ => throw new FormatException($"Unknown scenario '{arg}': use all, {Scenario.FlashSale} or {Scenario.ManyStores}."),
                });
                continue;
            }

            if (arg == "--quick")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new FormatException($"{arg} needs a value.");
            }

            var value = args[++i];
            options = arg switch
            {
                "--targets" => options with { Targets = ParseTargets(value) },
                "--concurrency" => options with { Concurrency = [.. value.Split(',').Select(v => Positive(arg, v))] },
                "--stores" => options with { Stores = Positive(arg, value) },
                "--units" => options with { Units = Positive(arg, value) },
                "--min-level-seconds" => options with { MinLevelSeconds = NonNegative(arg, value) },
                "--level-timeout" => options with { LevelTimeout = TimeSpan.FromSeconds(Positive(arg, value)) },
                "--soldout-seconds" => options with { SoldOutDuration = TimeSpan.FromSeconds(NonNegative(arg, value)) },
                "--soldout-concurrency" => options with { SoldOutConcurrency = Positive(arg, value) },
                "--many-stores" => options with { ManyStores = Positive(arg, value) },
                "--many-skus" => options with { ManySkus = Positive(arg, value) },
                "--many-units" => options with { ManyUnits = Positive(arg, value) },
                "--many-concurrency" => options with { ManyConcurrency = Positive(arg, value) },
                "--many-seconds" => options with { ManyDuration = TimeSpan.FromSeconds(Positive(arg, value)) },
                "--pg-pool" => options with { PgPool = Positive(arg, value) },
                "--cluster" => options with
                {
                    ExternalCluster = value switch
                    {
                        "auto" => false,
                        "external" => true,
                        _ => throw new FormatException($"--cluster is auto or external, not '{value}'."),
                    },
                },
                "--silos" => options with { Silos = Positive(arg, value) },
                // The http target's load client speaks plain HTTP/1.1 (bench/Http).
                "--api-url" => options with { ApiUrl = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp ? uri.ToString().TrimEnd('/') : throw new FormatException($"--api-url '{value}' is not an http:// URL.") },
                "--out" => options with { OutDirectory = value },
                "--silo-dll" => options with { SiloDll = value },
                "--silo-env" => options with { SiloEnvironment = WithSetting(arg, options.SiloEnvironment, value) },
                "--api-env" => options with { ApiEnvironment = WithSetting(arg, options.ApiEnvironment, value) },
                _ => throw new FormatException($"Unknown option {arg}."),
            };
        }

        return scenarios.Count == 0 ? options : options with { Scenarios = [.. scenarios.Distinct()] };
    }

    private static BenchOptions QuickDefaults() => new()
    {
        Quick = true,
        Units = 500,
        MinLevelSeconds = 0,
        Concurrency = [1, 64],
        LevelTimeout = TimeSpan.FromSeconds(20),
        SoldOutDuration = TimeSpan.FromSeconds(2),
        SoldOutConcurrency = 64,
        ManyStores = 50,
        ManySkus = 20,
        ManyUnits = 20,
        ManyConcurrency = 128,
        ManyDuration = TimeSpan.FromSeconds(5),
    };

    private static Dictionary<string, string> WithSetting(string option, IReadOnlyDictionary<string, string> settings, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals < 1)
        {
            throw new FormatException($"{option} takes KEY=VALUE, not '{value}'.");
        }

        return new Dictionary<string, string>(settings) { [value[..equals]] = value[(equals + 1)..] };
    }

    private static IReadOnlyList<string> ParseTargets(string value)
    {
        var targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var target in targets)
        {
            if (!Target.All.Contains(target))
            {
                throw new FormatException($"Unknown target '{target}': use {string.Join(", ", Target.All)}.");
            }
        }

        return targets.Length > 0 ? targets : throw new FormatException("--targets names no target.");
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new FormatException($"{name} takes a positive whole number, not '{value}'.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new FormatException($"{name} takes a whole number of 0 or more, not '{value}'.");
}

/// <summary>Scenario names as typed on the command line.</summary>
internal static class Scenario
{
    public const string FlashSale = "flash-sale";
    public const string ManyStores = "many-stores";
}

/// <summary>Target names as typed on the command line and printed in the tables.</summary>
internal static class Target
{
    public const string Grain = "grain";
    public const string Http = "http";
    public const string PgRowLock = "pg-rowlock";
    public const string RedisLua = "redis-lua";

    public static readonly IReadOnlyList<string> All = [Grain, Http, PgRowLock, RedisLua];
}
