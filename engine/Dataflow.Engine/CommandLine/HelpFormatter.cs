using System.Text;
using Dataflow.Configuration;

namespace Dataflow.CommandLine;

/// <summary>Renders <c>--help</c>: usage line, description, every option with its default, configuration keys.</summary>
internal static class HelpFormatter
{
    public static string Format(ArgumentParser parser)
    {
        var options = parser.Specs.Where(s => s.Kind is not (OptionKind.Positional or OptionKind.Remainder)).ToList();
        var positionals = parser.Specs.Where(s => s.Kind is OptionKind.Positional or OptionKind.Remainder).ToList();
        var usage = new StringBuilder("Usage: ").Append(parser.ProgramName);
        foreach (var required in options.Where(s => s.IsRequired))
        {
            usage.Append(' ').Append(required.Display).Append(' ').Append(required.ValueName);
        }

        usage.Append(" [options]");
        foreach (var positional in positionals)
        {
            usage.Append(' ').Append(positional.Kind == OptionKind.Remainder ? $"[{positional.Display}...]"
                : positional.IsRequired ? positional.Display : $"[{positional.Display}]");
        }

        var rows = options.Select(s => (Left: Left(s), Right: Right(s)))
            .Append((Left: "-h, --help", Right: "show this help and exit"))
            .ToList();
        var positionalRows = positionals.Select(s => (Left: s.Display, Right: Right(s))).ToList();
        var width = rows.Concat(positionalRows).Max(r => r.Left.Length) + 2;

        var text = new StringBuilder().Append(usage).Append('\n');
        if (parser.Description.Length > 0)
        {
            text.Append('\n').Append(parser.Description).Append('\n');
        }

        if (positionalRows.Count > 0)
        {
            text.Append("\nArguments:\n");
            AppendRows(text, positionalRows, width);
        }

        text.Append("\nOptions:\n");
        AppendRows(text, rows, width);
        if (parser.IncludeConfigurationKeys)
        {
            text.Append("\nConfiguration keys (--conf KEY=VALUE, environment DATAFLOW__SECTION__KEY, or JSON):\n")
                .Append(OptionsRegistry.FormatHelp());
        }

        return text.ToString();
    }

    private static string Left(OptionSpec spec) =>
        spec.Kind == OptionKind.Flag ? spec.Display : $"{spec.Display} {spec.ValueName}";

    private static string Right(OptionSpec spec)
    {
        var notes = new List<string>();
        if (spec.IsRequired)
        {
            notes.Add("required");
        }

        if (spec.Kind == OptionKind.List)
        {
            notes.Add(spec.SplitCommas ? "repeatable, or comma-separated" : "repeatable");
        }

        if (spec.ShowDefault)
        {
            notes.Add("default: " + OptionValueParser.Format(spec.DefaultValue));
        }

        return notes.Count == 0 ? spec.Description : $"{spec.Description} ({string.Join("; ", notes)})";
    }

    private static void AppendRows(StringBuilder text, List<(string Left, string Right)> rows, int width)
    {
        foreach (var (left, right) in rows)
        {
            text.Append("  ").Append(left.PadRight(width)).Append(right).Append('\n');
        }
    }
}
