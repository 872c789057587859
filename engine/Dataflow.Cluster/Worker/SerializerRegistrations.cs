using Dataflow.Serialization;
using Dataflow.Serialization.TypeSafety;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// Re-creates the driver's serializer registrations on a worker from the job's assemblies (formatters and resolvers of
/// the engine's own assemblies resolve from the worker's), so records and closures of the application's types use them.
/// </summary>
internal static class SerializerRegistrations
{
    public static void Register(string appId, string[] typeNames, JobLoadContext loadContext, TypeResolutionPolicy policy)
    {
        using var scope = loadContext.EnterContextualReflection();
        foreach (var name in typeNames)
        {
            var type = Type.GetType(name, throwOnError: false) ?? throw new InvalidOperationException(
                $"Application {appId} registered serializer {name}, which is not in the assemblies it shipped.");
            if (!policy.AllowList.IsJobAssembly(type.Assembly) && !AssemblyRoles.IsProvidedByWorker(type.Assembly))
            {
                throw new DisallowedTypeException(name, $"serializer registrations must be types of the job's assemblies, not of {type.Assembly.GetName().Name}");
            }

            var instance = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"Cannot create {name}.");
            if (instance is MessagePack.IFormatterResolver resolver)
            {
                DataflowSerializer.RegisterResolver(resolver);
                continue;
            }

            var formatted = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MessagePack.Formatters.IMessagePackFormatter<>))
                ?? throw new InvalidOperationException($"Serializer registration {name} is neither a formatter nor a resolver.");
            typeof(DataflowSerializer).GetMethod(nameof(DataflowSerializer.RegisterFormatter))!
                .MakeGenericMethod(formatted.GetGenericArguments()[0]).Invoke(null, [instance]);
        }
    }
}
