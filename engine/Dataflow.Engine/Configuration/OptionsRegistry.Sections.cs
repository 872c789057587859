using System.Reflection;

namespace Dataflow.Configuration;

public static partial class OptionsRegistry
{
    /// <summary>
    /// Adds a library's options section: the public settable properties of <typeparamref name="TOptions"/>, each
    /// with an <see cref="OptionDescriptionAttribute"/>, become the keys <c>Dataflow:&lt;name&gt;:&lt;Property&gt;</c>.
    /// From then on they are bound like the engine's keys (code &gt; <c>--conf</c> &gt; environment
    /// <c>DATAFLOW__NAME__KEY</c> &gt; JSON &gt; the property's initial value), validated by
    /// <paramref name="validator"/> whenever options are loaded or a context is created, listed by <c>--help</c> and
    /// <see cref="FormatTable"/>, and known to the unknown-key check. Read the bound values with
    /// <see cref="DataflowOptions.Section{TOptions}"/>, e.g. <c>ctx.Options.Section&lt;MyOptions&gt;()</c>.
    /// </summary>
    /// <remarks>
    /// Register before options are loaded (before parsing the command line, so that <c>--help</c> lists the keys and
    /// <c>--conf Dataflow:&lt;name&gt;:...</c> is accepted); keys of a section registered later are unknown to loads
    /// that ran earlier. Registering the same type under the same name again does nothing, so a library may register
    /// from every entry point. Thread-safe.
    /// </remarks>
    /// <example><code>
    /// OptionsRegistry.RegisterSection("ML", new MLOptionsValidator());
    /// var options = DataflowConfiguration.Load([new("Dataflow:ML:MaxBlockSize", "64m")]);
    /// var limit = options.Section&lt;MLOptions&gt;().MaxBlockSize;
    /// </code></example>
    /// <typeparam name="TOptions">The options class: public, with a parameterless constructor whose property values
    /// are the defaults.</typeparam>
    /// <param name="name">The section name: letters and digits, starting with a letter (<c>ML</c>, <c>Ui</c>).</param>
    /// <param name="validator">Checks a bound section; null for none.</param>
    /// <exception cref="ArgumentException">The name is not a plain identifier.</exception>
    /// <exception cref="InvalidOperationException">The name is taken (by the engine or by another type), the type is
    /// already registered under another name, or a property lacks a description or has a type configuration cannot
    /// parse.</exception>
    public static void RegisterSection<TOptions>(string name, OptionsValidator<TOptions>? validator = null)
        where TOptions : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!char.IsAsciiLetter(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException(
                $"Options section name '{name}' must be letters and digits starting with a letter, as in 'ML'.", nameof(name));
        }

        var type = typeof(TOptions);
        lock (s_lock)
        {
            var current = s_snapshot;
            var prefix = $"{DataflowOptions.SectionName}:{name}";
            var sameName = current.Sections.FirstOrDefault(s => string.Equals(s.Prefix, prefix, StringComparison.OrdinalIgnoreCase));
            if (sameName is not null && sameName.Type == type)
            {
                return;
            }

            if (sameName is not null || current.ByKey.ContainsKey(prefix))
            {
                throw new InvalidOperationException(
                    $"Cannot register {type.Name} as {prefix}: that name is already taken by " +
                    $"{(sameName?.Type ?? typeof(DataflowOptions)).Name}; choose another section name.");
            }

            if (current.Sections.FirstOrDefault(s => s.Type == type) is { } sameType)
            {
                throw new InvalidOperationException(
                    $"{type.Name} is already registered as {sameType.Prefix}; a type has one section name.");
            }

            var section = new OptionSection(name, o => o.GetSection(type));
            var defaults = new TOptions();
            var nullability = new NullabilityInfoContext();
            var added = PublicProperties(type).Select(p => Describe(section, p, defaults, nullability)).ToList();
            if (added.Count == 0)
            {
                throw new InvalidOperationException(
                    $"{type.Name} has no public settable properties, so the section {prefix} would have no keys.");
            }

            s_snapshot = new Snapshot([.. current.Options, .. added],
                [.. current.Sections, new SectionEntry(prefix, type, section.Get, validator, Registered: true)]);
        }
    }

    /// <summary>Whether <paramref name="type"/> is a registered library section (engine sections are properties).</summary>
    internal static bool IsRegisteredSection(Type type) => s_snapshot.Sections.Any(s => s.Registered && s.Type == type);
}
