using Microsoft.Extensions.Options;

namespace MultiStore.Grains.Hosting;

/// <summary>How long audit trails keep their entries (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Entries are kept at least this many days (default 400: a yearly review still finds the whole year). A page of
    /// the trail is cleared in storage once its newest entry is older, so older entries may outlive it a little.
    /// </summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>
    /// The most pages one retention run removes. A trail that fell far behind (years of pages) catches up over
    /// several runs, a minute apart, instead of one burst of thousands of storage deletes.
    /// </summary>
    public int PagesPerRun { get; set; } = 50;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}

/// <summary>Refuses audit settings that would drop entries too soon or never, naming the key to fix.</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        if (options.RetentionDays is < 1 or > 3650)
        {
            failures.Add($"{AuditOptions.SectionName}:{nameof(AuditOptions.RetentionDays)} must be 1 to 3650 days, not {options.RetentionDays}.");
        }

        if (options.PagesPerRun is < 1 or > 1000)
        {
            failures.Add($"{AuditOptions.SectionName}:{nameof(AuditOptions.PagesPerRun)} must be 1 to 1000, not {options.PagesPerRun}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
