using System.Globalization;

namespace Dataflow.Ui.Api;

/// <summary>Times as Spark's REST API writes them: <c>2025-12-02T14:40:00.000GMT</c>.</summary>
internal static class ApiTime
{
    /// <summary>What Spark writes for an application that has not ended (epoch −1 ms).</summary>
    public const string NotEnded = "1969-12-31T23:59:59.999GMT";

    public static string? Format(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'GMT'", CultureInfo.InvariantCulture);
}
