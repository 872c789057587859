using System.Globalization;
using System.Runtime.CompilerServices;

namespace Dataflow.MLlib.Recommendation;

/// <summary>Loads ratings from text files of <c>user,item,rating</c> lines.</summary>
public static class RatingLoader
{
    /// <summary>
    /// Loads text files (a file, a directory or a glob) whose non-blank lines are <c>user,item,rating</c>: whole-number
    /// ids from 0 (below <paramref name="users"/> and <paramref name="items"/> when given) and a finite rating, invariant
    /// culture; <c>#</c> starts a comment line. Lazy: a bad line fails the job that reads it with a
    /// <see cref="BadInputException"/> at its <c>file:line</c>.
    /// </summary>
    /// <example><code>var ratings = ctx.LoadRatings("ratings.csv", minPartitions: 4);</code></example>
    /// <param name="context">The context.</param>
    /// <param name="path">A file, directory or glob.</param>
    /// <param name="users">User ids must be below this, or null.</param>
    /// <param name="items">Item ids must be below this, or null.</param>
    /// <param name="minPartitions">The least number of partitions, as for <see cref="DataflowContext.TextFile"/>.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    public static Rdd<Rating> LoadRatings(this DataflowContext context, string path, int? users = null, int? items = null, int? minPartitions = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return context.TextFileWithLineNumbers(path, minPartitions, callerFile, callerLine)
            .SelectPartitions(lines => Parse(lines, users, items), false, callerFile, callerLine);
    }

    /// <summary>Parses one line (null for a blank or comment line).</summary>
    /// <exception cref="BadInputException">The line is not a rating.</exception>
    public static Rating? ParseLine(string file, long line, string text, int? users = null, int? items = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] == '#')
        {
            return null;
        }

        var fields = trimmed.Split(',');
        if (fields.Length != 3
            || !int.TryParse(fields[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !int.TryParse(fields[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var item)
            || !double.TryParse(fields[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            throw new BadInputException(file, line,
                $"'{Shorten(trimmed)}' is not a rating; each line is user,item,rating with whole-number ids from 0 and a finite rating, e.g. '3,17,4.5'");
        }

        if (users is { } u && user >= u)
        {
            throw new BadInputException(file, line, string.Create(CultureInfo.InvariantCulture, $"user {user} is not below the user count {u}; raise --users or fix the id"));
        }

        if (items is { } i && item >= i)
        {
            throw new BadInputException(file, line, string.Create(CultureInfo.InvariantCulture, $"item {item} is not below the item count {i}; raise --items or fix the id"));
        }

        return new Rating(user, item, value);
    }

    private static IEnumerable<Rating> Parse(IEnumerable<(string File, long Line, string Text)> lines, int? users, int? items)
    {
        foreach (var (file, line, text) in lines)
        {
            if (ParseLine(file, line, text, users, items) is { } rating)
            {
                yield return rating;
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
