using FastEndpoints;
using FluentValidation;
using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Features.Analytics;

/// <summary>The UTC days an analytics request covers: <c>?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>, both optional.</summary>
public abstract class AnalyticsRangeRequest
{
    /// <summary>First UTC day (inclusive); default: 29 days before <see cref="To"/>.</summary>
    [QueryParam]
    public DateOnly? From { get; set; }

    /// <summary>Last UTC day (inclusive); default: today (UTC).</summary>
    [QueryParam]
    public DateOnly? To { get; set; }

    /// <summary>The range with its defaults filled in.</summary>
    public (DateOnly From, DateOnly To) Resolve(TimeProvider time) => AnalyticsRange.Resolve(From, To, time);
}

public static class AnalyticsRange
{
    /// <summary>Days covered when the request names no start.</summary>
    public const int DefaultDays = 30;

    public static (DateOnly From, DateOnly To) Resolve(DateOnly? from, DateOnly? to, TimeProvider time)
    {
        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // By day number, floored at the calendar's first day: AddDays would throw for a 'to' in year 1.
        return (from ?? DateOnly.FromDayNumber(Math.Max(0, last.DayNumber + 1 - DefaultDays)), last);
    }

    /// <summary>The range must run forward and cover at most <see cref="IStoreAnalyticsGrain.MaxDays"/> days.</summary>
    public static void ValidateRange<T>(this AbstractValidator<T> validator, TimeProvider time)
        where T : AnalyticsRangeRequest
    {
        validator.RuleFor(request => request.To)
            .Must((request, _) =>
            {
                var (from, to) = request.Resolve(time);
                return from <= to && to.DayNumber - from.DayNumber < IStoreAnalyticsGrain.MaxDays;
            })
            .WithMessage($"'from' must not be after 'to' (today when absent), and a range covers at most {IStoreAnalyticsGrain.MaxDays} days.");
    }
}
