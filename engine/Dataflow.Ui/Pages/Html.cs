using System.Globalization;
using System.Net;
using System.Text;

namespace Dataflow.Ui.Pages;

/// <summary>Small helpers for the server-rendered pages: escaping, formatting, tables and the page frame.</summary>
internal static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#222}
        header{background:#1f3b57;color:#fff;padding:8px 16px;display:flex;gap:24px;align-items:center}
        header a{color:#fff;text-decoration:none}header .app{margin-left:auto;font-size:90%;opacity:.85}
        main{padding:12px 16px}h1{font-size:130%}h2{font-size:110%;margin-top:24px}
        table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:90%}
        th{background:#eef2f6}td.num{text-align:right}
        .SUCCEEDED,.COMPLETE,.SUCCESS{color:#1a7f37}.FAILED{color:#c62828}.RUNNING,.ACTIVE{color:#1565c0}.SKIPPED,.PENDING,.KILLED{color:#777}
        svg text{font-family:system-ui,sans-serif}
        """;

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Url(string text) => Uri.EscapeDataString(text);

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    /// <summary>Milliseconds as people read them: <c>850 ms</c>, <c>1.2 s</c>, <c>3.4 min</c>.</summary>
    public static string Duration(double milliseconds) => milliseconds switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0} ms"),
        < 60_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0.0} s"),
        < 3_600_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 60_000:0.0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 3_600_000:0.0} h"),
    };

    public static string Duration(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t ? Duration((t - f).TotalMilliseconds) : "";

    /// <summary>Bytes with a binary unit: <c>512 B</c>, <c>1.5 KiB</c>, <c>3.0 MiB</c>.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[unit]}");
    }

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A table whose cells are already HTML; <paramref name="id"/> names it for tests and scripts.</summary>
    public static string Table(string id, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder($"<table id=\"{id}\"><thead><tr>");
        foreach (var header in headers)
        {
            text.Append("<th>").Append(E(header)).Append("</th>");
        }

        text.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            text.Append("<tr>");
            foreach (var cell in row)
            {
                text.Append("<td>").Append(cell).Append("</td>");
            }

            text.Append("</tr>");
        }

        return text.Append("</tbody></table>").ToString();
    }

    /// <summary>The page frame: title, navigation (jobs, stages, executors, storage) and the application's name.</summary>
    public static string Page(string title, string prefix, string appLabel, string body) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{E(title)} - Dataflow</title><style>{Style}</style></head>
        <body><header><strong>Dataflow</strong>
        <a href="{prefix}/jobs/">Jobs</a><a href="{prefix}/stages/">Stages</a><a href="{prefix}/storage/">Storage</a><a href="{prefix}/executors/">Executors</a>
        <span class="app">{E(appLabel)}</span></header>
        <main><h1>{E(title)}</h1>
        {body}
        </main></body></html>
        """;
}
