using Dataflow.Configuration;

namespace Dataflow.CommandLine;

/// <summary>One pass over one command line; holds the state <see cref="ArgumentParser"/> must not.</summary>
internal sealed class CommandLineReader(ArgumentParser parser, IReadOnlyList<string> args)
{
    private readonly Dictionary<OptionSpec, object?> _values = [];
    private readonly Dictionary<OptionSpec, List<object?>> _lists = [];
    private readonly List<string> _positionals = [];
    private readonly List<string> _remainder = [];

    public ParseResult Read()
    {
        ArgumentNullException.ThrowIfNull(args);
        var end = RemainderStart();
        // Help wins over every other mistake on the line: someone asking for help should get it.
        if (args.Take(end).TakeWhile(a => a != "--").Any(a => a is "--help" or "-h" or "-?"))
        {
            return new ParseResult(parser, [], helpRequested: true);
        }

        _remainder.AddRange(args.Skip(end));
        for (var i = 0; i < end; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                _positionals.AddRange(args.Take(end).Skip(i + 1));
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                i = ReadOption(i);
            }
            else if (arg.Length > 1 && arg[0] == '-' && !char.IsAsciiDigit(arg[1]) && arg[1] != '.')
            {
                throw new UsageException($"unknown option {arg}; options are written --name (see --help)");
            }
            else
            {
                _positionals.Add(arg);
            }
        }

        foreach (var (spec, items) in _lists)
        {
            _values[spec] = spec.MakeList!(items);
        }

        MatchPositionals();
        if (parser.Specs.FirstOrDefault(s => s.Kind == OptionKind.Remainder) is { } remainder)
        {
            _values[remainder] = _remainder.ToArray();
        }

        var missing = parser.Specs.FirstOrDefault(s => s.IsRequired && !_values.ContainsKey(s));
        if (missing is not null)
        {
            throw new UsageException(missing.Kind == OptionKind.Positional
                ? $"missing argument {missing.Display} ({missing.Description}); see --help"
                : $"missing required option {missing.Display}; give {missing.Display} {missing.ValueName} ({missing.Description})");
        }

        return new ParseResult(parser, _values, helpRequested: false);
    }

    /// <summary>
    /// Where the arguments that are passed on untouched begin: right after the last declared positional when the parser
    /// has a remainder (skipping option values as <see cref="ReadOption"/> does), else the end of the line.
    /// </summary>
    private int RemainderStart()
    {
        if (!parser.Specs.Any(s => s.Kind == OptionKind.Remainder))
        {
            return args.Count;
        }

        var positionals = parser.Specs.Count(s => s.Kind == OptionKind.Positional);
        var seen = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                // After "--" everything is positional: the declared ones, then the remainder.
                return Math.Min(args.Count, i + 1 + positionals - seen);
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var body = arg[2..];
                if (!body.Contains('=', StringComparison.Ordinal)
                    && parser.Find(body) is { Kind: not OptionKind.Flag }
                    && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
            }
            else if (!(arg.Length > 1 && arg[0] == '-' && !char.IsAsciiDigit(arg[1]) && arg[1] != '.'))
            {
                if (positionals == 0)
                {
                    return i;
                }

                if (++seen == positionals)
                {
                    return i + 1;
                }
            }
        }

        return args.Count;
    }

    /// <returns>The index of the last argument consumed.</returns>
    private int ReadOption(int i)
    {
        var body = args[i][2..];
        string? inline = null;
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            (body, inline) = (body[..equals], body[(equals + 1)..]);
        }

        var spec = parser.Find(body) ?? throw Unknown(body);
        if (spec.Kind == OptionKind.Flag)
        {
            _values[spec] = inline is null ? true : spec.ParseValue(inline);
            return i;
        }

        string text;
        if (inline is not null)
        {
            text = inline;
        }
        else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            text = args[++i];
        }
        else
        {
            throw new UsageException(
                $"{spec.Display} needs a value: {spec.Display} {spec.ValueName} (or {spec.Display}={spec.ValueName})");
        }

        if (spec.Kind == OptionKind.List)
        {
            var items = _lists.TryGetValue(spec, out var list) ? list : _lists[spec] = [];
            var pieces = spec.SplitCommas ? text.Split(',', StringSplitOptions.RemoveEmptyEntries) : [text];
            items.AddRange(pieces.Select(spec.ParseValue));
        }
        else
        {
            // GNU style: a repeated single-valued option takes its last value, so scripts can override defaults.
            _values[spec] = spec.ParseValue(text);
        }

        return i;
    }

    private void MatchPositionals()
    {
        var declared = parser.Specs.Where(s => s.Kind == OptionKind.Positional).ToList();
        if (_positionals.Count > declared.Count && parser.Specs.Any(s => s.Kind == OptionKind.Remainder))
        {
            _remainder.InsertRange(0, _positionals.Skip(declared.Count));
            _positionals.RemoveRange(declared.Count, _positionals.Count - declared.Count);
        }

        if (_positionals.Count > declared.Count)
        {
            var extra = _positionals[declared.Count];
            throw new UsageException(declared.Count == 0
                ? $"unexpected argument '{extra}'; {parser.ProgramName} takes only --options (see --help)"
                : $"unexpected argument '{extra}'; {parser.ProgramName} takes at most {declared.Count} ({string.Join(' ', declared.Select(d => d.Display))})");
        }

        for (var i = 0; i < _positionals.Count; i++)
        {
            _values[declared[i]] = declared[i].ParseValue(_positionals[i]);
        }
    }

    private UsageException Unknown(string name)
    {
        var names = parser.Specs.Where(s => s.Kind is not (OptionKind.Positional or OptionKind.Remainder)).Select(s => s.Name).Append("help");
        var suggestion = NearestMatch.Find(name, names);
        return new UsageException(suggestion is null
            ? $"unknown option --{name}; see --help for the options"
            : $"unknown option --{name}; did you mean --{suggestion}? (see --help)");
    }
}
