using FluentValidation;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features;

/// <summary>The id and quantity rules every request validator shares, written once from <see cref="IdRules"/>.</summary>
public static class RequestRules
{
    public static IRuleBuilderOptions<T, string> IsSku<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IdRules.IsSku).WithMessage($"Use 1-{IdRules.MaxSkuLength} of A-Z, a-z, 0-9, '-', '_', '.' (starting with a letter or digit).");

    public static IRuleBuilderOptions<T, string> IsZone<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IdRules.IsZone).WithMessage($"Use 1-{IdRules.MaxZoneLength} of a-z, 0-9, '-' (starting with a letter or digit).");

    public static IRuleBuilderOptions<T, string?> IsOptionalZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(zone => zone is null || IdRules.IsZone(zone)).WithMessage($"Use 1-{IdRules.MaxZoneLength} of a-z, 0-9, '-' (starting with a letter or digit).");

    public static IRuleBuilderOptions<T, string> IsUuid<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IdRules.IsUuid).WithMessage("Use a UUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");

    /// <summary>
    /// Free text (a reason, a name, a payment reference) takes any script but is <see cref="PlainText"/>: a NUL, an
    /// escape sequence or a bidirectional override stored here would later reach logs, terminals and CSV exports.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> IsPrintable<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => PlainText.IsPlain(text)).WithMessage("Control characters, text-direction overrides and line separators are not allowed.");
}
