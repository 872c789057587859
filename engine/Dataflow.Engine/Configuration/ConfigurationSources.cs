using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Dataflow.Configuration;

/// <summary>Reads each configuration layer into <see cref="ConfigEntry"/> values, keeping the source of each.</summary>
internal static class ConfigurationSources
{
    private const string Prefix = DataflowOptions.SectionName + ":";
    private const string EnvironmentPrefix = "DATAFLOW__";
    private const string MasterVariable = "DATAFLOW_MASTER";

    /// <summary>Leaf keys under <c>Dataflow</c> in an appsettings-style file; other top-level sections are ignored.</summary>
    public static List<ConfigEntry> ReadJson(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var source = $"JSON file {fullPath}";
        IConfigurationRoot root;
        try
        {
            using var stream = File.OpenRead(fullPath);
            root = new ConfigurationBuilder().AddJsonStream(stream).Build();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
                                      or InvalidDataException)
        {
            throw new DataflowConfigurationException($"cannot read {source}: {e.Message}", e);
        }

        var entries = new List<ConfigEntry>();
        Collect(root.GetSection(DataflowOptions.SectionName), source, entries);
        return entries;
    }

    /// <summary>
    /// <c>DATAFLOW__SECTION__KEY</c> variables (double underscore for ':'), plus <c>DATAFLOW_MASTER</c> for
    /// <c>Dataflow:Master</c>, which <c>DATAFLOW__MASTER</c> overrides.
    /// </summary>
    public static List<ConfigEntry> ReadEnvironment(IDictionary environment)
    {
        var entries = new List<ConfigEntry>();
        if (environment[MasterVariable] is string master)
        {
            entries.Add(new ConfigEntry(Prefix + nameof(DataflowOptions.Master), master,
                $"environment variable {MasterVariable}"));
        }

        // Sorted so that the result does not depend on the dictionary's enumeration order.
        var names = environment.Keys.OfType<string>()
            .Where(n => n.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var key = Prefix + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
            entries.Add(new ConfigEntry(key, environment[name] as string, $"environment variable {name}"));
        }

        return entries;
    }

    /// <summary><c>--conf</c> pairs, keys trimmed.</summary>
    public static List<ConfigEntry> ReadConf(IEnumerable<KeyValuePair<string, string?>> conf) =>
        conf.Select(pair => new ConfigEntry(pair.Key.Trim(), pair.Value, "--conf")).ToList();

    private static void Collect(IConfigurationSection section, string source, List<ConfigEntry> entries)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            // An empty object for a known section ("Scheduler": {}) sets nothing.
            var isEmptySection = string.IsNullOrEmpty(section.Value)
                && (section.Path.Equals(DataflowOptions.SectionName, StringComparison.OrdinalIgnoreCase)
                    || OptionsRegistry.All.Any(o => string.Equals(Prefix + o.Section, section.Path,
                        StringComparison.OrdinalIgnoreCase)));
            if (!isEmptySection)
            {
                entries.Add(new ConfigEntry(section.Path, section.Value, source));
            }

            return;
        }

        foreach (var child in children)
        {
            Collect(child, source, entries);
        }
    }
}
