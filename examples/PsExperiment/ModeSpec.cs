using System.Globalization;
using Dataflow.CommandLine;

namespace Dataflow.Examples.PsExperiment;

/// <summary>One <c>--modes</c> token: <c>driver</c>, <c>rdd</c>, <c>ps-bsp</c>, <c>ps-ssp:S</c> or <c>ps-asp</c>.</summary>
/// <param name="Token">The token as given (lower-cased): the <c>mode</c> column of results.csv.</param>
/// <param name="Kind">driver, rdd or ps.</param>
/// <param name="Consistency">For ps: the parameter server's consistency (<c>bsp</c>, <c>ssp:S</c>, <c>asp</c>).</param>
internal sealed record ModeSpec(string Token, string Kind, string? Consistency)
{
    public bool IsPs => Kind == "ps";

    /// <summary>Parses the tokens; an unknown one, <c>ps-ssp:</c> without a staleness, or a repeated one is a usage error.</summary>
    public static IReadOnlyList<ModeSpec> ParseAll(IReadOnlyList<string> tokens)
    {
        if (tokens.Count == 0)
        {
            throw new UsageException("--modes needs at least one of driver, rdd, ps-bsp, ps-ssp:S, ps-asp.");
        }

        var modes = new List<ModeSpec>();
        foreach (var raw in tokens)
        {
            var mode = Parse(raw);
            if (modes.Any(m => m.Token == mode.Token))
            {
                throw new UsageException($"--modes lists '{mode.Token}' twice.");
            }

            modes.Add(mode);
        }

        return modes;
    }

    public static ModeSpec Parse(string raw)
    {
        var token = raw.Trim().ToLowerInvariant();
        switch (token)
        {
            case "driver":
            case "rdd":
                return new ModeSpec(token, token, null);
            case "ps-bsp":
                return new ModeSpec(token, "ps", "bsp");
            case "ps-asp":
                return new ModeSpec(token, "ps", "asp");
        }

        if (token.StartsWith("ps-ssp:", StringComparison.Ordinal) || token == "ps-ssp")
        {
            var text = token.Length > "ps-ssp:".Length ? token["ps-ssp:".Length..] : "";
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var staleness))
            {
                throw new UsageException($"--modes: '{raw}' needs a staleness bound, a whole number ≥ 0 (e.g. ps-ssp:3).");
            }

            return new ModeSpec(token, "ps", string.Create(CultureInfo.InvariantCulture, $"ssp:{staleness}"));
        }

        throw new UsageException($"--modes: unknown mode '{raw}'; use driver, rdd, ps-bsp, ps-ssp:S or ps-asp.");
    }
}
