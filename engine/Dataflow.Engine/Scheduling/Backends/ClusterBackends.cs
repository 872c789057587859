using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Dataflow.Execution;

namespace Dataflow.Scheduling.Backends;

/// <summary>
/// Finds the cluster backend an application registered with <see cref="ClusterBackendAttribute"/> (<c>Dataflow.Cluster</c>
/// carries one): first among the loaded assemblies, then among the application's other assemblies (its
/// <c>deps.json</c>, as the runtime lists them), whose metadata is read without loading them, since an application
/// that only references <c>Dataflow.Cluster</c> and names none of its types has not loaded it.
/// </summary>
internal static class ClusterBackends
{
    private static readonly string s_engine = typeof(ClusterBackends).Assembly.GetName().Name!;

    public static ISchedulerBackend Create(DataflowContext context, ExecutionEnvironment driverEnvironment)
    {
        var factory = Instantiate(
            FindFactories(LoadedAssemblies(), ApplicationAssemblyPaths(), AssemblyLoadContext.Default), context.Master.ToString());
        return factory.Create(context, driverEnvironment);
    }

    /// <summary>The one registered factory, created; a clear error when there is none or more than one.</summary>
    internal static IClusterBackendFactory Instantiate(IReadOnlyList<Type> factories, string master)
    {
        if (factories.Count == 0)
        {
            throw new ClusterUnavailableException(
                $"Master '{master}' needs cluster support: reference the Dataflow.Cluster project (engine/Dataflow.Cluster) from the application.");
        }

        if (factories.Count > 1)
        {
            throw new ClusterUnavailableException(
                $"Master '{master}': several assemblies register a cluster backend ({string.Join(", ", factories.Select(f => $"{f.FullName} in {f.Assembly.GetName().Name}"))}); reference only one.");
        }

        var type = factories[0];
        if (!typeof(IClusterBackendFactory).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ClusterUnavailableException(
                $"{type.FullName} in {type.Assembly.GetName().Name} is registered as the cluster backend but is not an {nameof(IClusterBackendFactory)} with a public parameterless constructor.");
        }

        return (IClusterBackendFactory)Activator.CreateInstance(type)!;
    }

    /// <summary>
    /// The factory types registered by <paramref name="loaded"/> assemblies and by the assemblies at
    /// <paramref name="candidatePaths"/> (loaded into <paramref name="loadInto"/> only when their metadata carries the attribute).
    /// </summary>
    internal static IReadOnlyList<Type> FindFactories(IEnumerable<Assembly> loaded, IEnumerable<string> candidatePaths, AssemblyLoadContext loadInto)
    {
        var found = new List<Type>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in loaded)
        {
            seen.Add(assembly.GetName().Name ?? "");
            if (Registered(assembly) is { } type)
            {
                found.Add(type);
            }
        }

        foreach (var path in candidatePaths)
        {
            if (seen.Contains(Path.GetFileNameWithoutExtension(path)) || !CarriesAttribute(path))
            {
                continue;
            }

            var assembly = loadInto.LoadFromAssemblyPath(Path.GetFullPath(path));
            if (seen.Add(assembly.GetName().Name ?? "") && Registered(assembly) is { } type)
            {
                found.Add(type);
            }
        }

        return [.. found.Distinct()];
    }

    private static Type? Registered(Assembly assembly)
    {
        if (assembly.IsDynamic || !ReferencesEngine(assembly))
        {
            return null;
        }

        try
        {
            // Read as data: the attribute is internal to the engine, and the runtime hides an attribute whose constructor
            // the decorated assembly cannot see (Dataflow.Cluster can; another registering assembly need not).
            return assembly.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ClusterBackendAttribute))
                ?.ConstructorArguments[0].Value as Type;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            // Another of its attributes names a type that cannot be loaded: it registers nothing usable.
            return null;
        }
    }

    private static bool ReferencesEngine(Assembly assembly) =>
        assembly == typeof(ClusterBackends).Assembly || assembly.GetReferencedAssemblies().Any(r => r.Name == s_engine);

    /// <summary>Whether the assembly file at <paramref name="path"/> carries <see cref="ClusterBackendAttribute"/> (read from its metadata).</summary>
    private static bool CarriesAttribute(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return false;
            }

            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var constructor = reader.GetCustomAttribute(handle).Constructor;
                if (constructor.Kind == HandleKind.MemberReference &&
                    reader.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent &&
                    IsAttributeReference(reader, reader.GetTypeReference((TypeReferenceHandle)parent)))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsAttributeReference(MetadataReader reader, TypeReference type) =>
        reader.StringComparer.Equals(type.Name, nameof(ClusterBackendAttribute)) &&
        reader.StringComparer.Equals(type.Namespace, typeof(ClusterBackendAttribute).Namespace!) &&
        type.ResolutionScope.Kind == HandleKind.AssemblyReference &&
        reader.StringComparer.Equals(reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name, s_engine);

    /// <summary>The application's loaded assemblies: those of the default load context (a plug-in's own context is not the application).</summary>
    private static IEnumerable<Assembly> LoadedAssemblies() => AssemblyLoadContext.Default.Assemblies.Where(a => !a.IsDynamic);

    /// <summary>The application's assemblies outside the shared framework, as the host listed them.</summary>
    private static IEnumerable<string> ApplicationAssemblyPaths()
    {
        var frameworkRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)));
        var listed = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        return listed.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => frameworkRoot is null || !p.StartsWith(frameworkRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
