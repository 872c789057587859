using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.Loader;
using Dataflow.Serialization.Closures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// How a process turns the type names in a shipped closure back into types: only from the job's assemblies, the
/// engine's and the base library's (and there only the <see cref="TypeAllowList"/>'s types). A name is parsed before
/// anything is loaded, so a payload naming an assembly the job did not ship loads nothing; every refusal is logged
/// as a warning and thrown as <see cref="DisallowedTypeException"/>.
/// </summary>
/// <remarks>
/// A worker creates one per job, with the job's <see cref="AssemblyLoadContext"/>: the job's assemblies are looked up by
/// simple name in the set it was given (versions are not compared: the driver shipped exactly those), the base
/// library through the load context. Deserialisation runs inside <see cref="AssemblyLoadContext.EnterContextualReflection()"/>
/// of that context.
/// </remarks>
internal sealed partial class TypeResolutionPolicy
{
    private static readonly TypeNameParseOptions s_parseOptions = new() { MaxNodes = 128 };

    private readonly Func<string, Assembly?> _findJobAssembly;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Type> _resolved = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Type> _named = new(StringComparer.Ordinal);
    private ClosureSerializerOptions? _options;

    /// <summary>A policy for a worker running a job made of <paramref name="jobAssemblies"/>.</summary>
    public TypeResolutionPolicy(IEnumerable<Assembly> jobAssemblies, AssemblyLoadContext? loadContext = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(jobAssemblies);
        var byName = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        foreach (var assembly in jobAssemblies)
        {
            byName[assembly.GetName().Name!] = assembly;
        }

        var members = byName.Values.ToHashSet();
        AllowList = new TypeAllowList(members.Contains);
        _findJobAssembly = name => byName.GetValueOrDefault(name);
        LoadContext = loadContext;
        _logger = logger ?? NullLogger.Instance;
    }

    private TypeResolutionPolicy(TypeAllowList allowList, Func<string, Assembly?> findJobAssembly, ILogger? logger)
    {
        AllowList = allowList;
        _findJobAssembly = findJobAssembly;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// The driver's policy (used by the build-time check's dry run): the job's assemblies are the loaded ones that
    /// <see cref="TypeAllowList.ForDriver"/> counts as the job's.
    /// </summary>
    public static TypeResolutionPolicy ForDriver(ILogger? logger = null) =>
        new(TypeAllowList.ForDriver, name => AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && a.GetName().Name == name && TypeAllowList.ForDriver.IsJobAssembly(a)), logger);

    /// <summary>The types this policy accepts.</summary>
    public TypeAllowList AllowList { get; }

    /// <summary>The job's load context, or <c>null</c> for the default one.</summary>
    public AssemblyLoadContext? LoadContext { get; }

    /// <summary>The MessagePack options that deserialise closures under this policy (rebuilt when formatters are registered).</summary>
    internal ClosureSerializerOptions Options
    {
        get
        {
            var options = _options;
            if (options is null || options.ResolverVersion != DataflowSerializer.Version)
            {
                _options = options = ClosureSerializerOptions.Create(this);
            }

            return options;
        }
    }

    /// <summary>Resolves the name (written by <see cref="TypeNames.Wire"/>) of a type whose values are deserialised.</summary>
    /// <exception cref="DisallowedTypeException">The name is malformed, or names a type or assembly that is not allowed.</exception>
    public Type Resolve(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        if (_resolved.TryGetValue(typeName, out var cached))
        {
            return cached;
        }

        var type = Parse(typeName);
        ThrowIfDisallowed(type);
        _resolved.TryAdd(typeName, type);
        return type;
    }

    /// <summary>
    /// Resolves a type that is only named, never instantiated (a delegate type, a generic method's type argument):
    /// it may be any type of the job's, the engine's or a base-library assembly (<see cref="TypeAllowList.IsNameable"/>).
    /// </summary>
    /// <exception cref="DisallowedTypeException">The name is malformed or names an assembly the job did not ship.</exception>
    public Type ResolveSignature(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        if (_named.TryGetValue(typeName, out var cached))
        {
            return cached;
        }

        var type = Parse(typeName);
        if (!AllowList.IsNameable(type, out var reason))
        {
            throw Reject(typeName, reason);
        }

        _named.TryAdd(typeName, type);
        return type;
    }

    private Type Parse(string typeName) => TypeName.TryParse(typeName.AsSpan(), out var parsed, s_parseOptions)
        ? ResolveParsed(parsed, typeName)
        : throw Reject(typeName, "the name is malformed");

    /// <summary>Throws (and logs) when <paramref name="type"/> is not allowed.</summary>
    public void ThrowIfDisallowed(Type type)
    {
        if (!AllowList.IsAllowed(type, out var reason))
        {
            throw Reject(TypeNames.Wire(type), reason);
        }
    }

    private Type ResolveParsed(TypeName name, string whole)
    {
        if (name.IsArray)
        {
            var element = ResolveParsed(name.GetElementType(), whole);
            return name.IsSZArray ? element.MakeArrayType() : element.MakeArrayType(name.GetArrayRank());
        }

        if (name.IsPointer || name.IsByRef)
        {
            throw Reject(whole, "pointers and references cannot be shipped");
        }

        if (name.IsConstructedGenericType)
        {
            var definition = ResolveParsed(name.GetGenericTypeDefinition(), whole);
            var arguments = name.GetGenericArguments().Select(a => ResolveParsed(a, whole)).ToArray();
            try
            {
                return definition.MakeGenericType(arguments);
            }
            catch (ArgumentException e)
            {
                throw Reject(whole, "its generic arguments violate the definition's constraints: " + e.Message);
            }
        }

        var assemblyName = name.AssemblyName?.Name ?? throw Reject(whole, $"'{name.FullName}' has no assembly name");
        var assembly = FindAssembly(assemblyName) ?? throw Reject(whole, $"assembly {assemblyName} is not one of the job's assemblies");
        return assembly.GetType(name.FullName, throwOnError: false, ignoreCase: false)
            ?? throw Reject(whole, $"assembly {assemblyName} has no type {name.FullName} (was the job built against another version?)");
    }

    private Assembly? FindAssembly(string name)
    {
        if (name == TypeAllowList.EngineAssemblyName)
        {
            return typeof(TypeResolutionPolicy).Assembly;
        }

        if (_findJobAssembly(name) is { } job)
        {
            return job;
        }

        // Only the base-library assemblies that hold allowed types are ever loaded by name; other base-library assemblies
        // are used only if already loaded (one holding a type the user registered a formatter for is). The type itself
        // is then checked against the allow-list.
        if (TypeAllowList.FrameworkAssemblyNames.Contains(name))
        {
            return (LoadContext ?? AssemblyLoadContext.Default).LoadFromAssemblyName(new AssemblyName(name));
        }

        return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a =>
                   !a.IsDynamic && a.GetName().Name == name && (TypeAllowList.IsFrameworkAssembly(a) || AssemblyRoles.IsProvidedByWorker(a)))
               ?? LoadProvidedByProcess(name);
    }

    /// <summary>
    /// A library this process was built with that is not loaded yet (a worker names MLlib's types before running any
    /// of its code): loaded from the host's own list of the application's assemblies, never from a path or the job's
    /// bytes, and used only if it is one the worker provides.
    /// </summary>
    private static Assembly? LoadProvidedByProcess(string name)
    {
        var listed = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        if (!listed.Split(Path.PathSeparator).Any(p => string.Equals(Path.GetFileNameWithoutExtension(p), name, StringComparison.Ordinal)))
        {
            return null;
        }

        try
        {
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name));
            return AssemblyRoles.IsProvidedByWorker(assembly) ? assembly : null;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private DisallowedTypeException Reject(string typeName, string reason)
    {
        LogRejected(_logger, typeName, reason);
        return new DisallowedTypeException(typeName, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a shipped payload naming type {TypeName}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string typeName, string reason);
}
