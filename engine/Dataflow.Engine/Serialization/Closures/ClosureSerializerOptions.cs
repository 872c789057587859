using Dataflow.Serialization.TypeSafety;
using Dataflow.Serialization.Wire;
using MessagePack;

namespace Dataflow.Serialization.Closures;

/// <summary>
/// MessagePack options for closures. Besides the closure resolver they carry the <see cref="TypeResolutionPolicy"/>
/// that the closure formatters resolve type names with (<c>null</c> on the serialising side), and they route
/// MessagePack's own type hooks through it: <see cref="LoadType"/> and <see cref="ThrowIfDeserializingTypeIsDisallowed"/>
/// are what MessagePack's <c>Typeless</c> formatter consults, so a user formatter that falls back to it cannot be used
/// to smuggle in a type the policy refuses. (In MessagePack 2.5 these hooks live on the options, not on
/// <see cref="MessagePackSecurity"/>.)
/// </summary>
internal sealed class ClosureSerializerOptions : MessagePackSerializerOptions
{
    private ClosureSerializerOptions(IFormatterResolver resolver, TypeResolutionPolicy? policy, int resolverVersion)
        : base(resolver)
    {
        Policy = policy;
        ResolverVersion = resolverVersion;
    }

    private ClosureSerializerOptions(ClosureSerializerOptions copyFrom)
        : base(copyFrom)
    {
        Policy = copyFrom.Policy;
        ResolverVersion = copyFrom.ResolverVersion;
        Rdds = copyFrom.Rdds;
    }

    /// <summary>The RDD table of the task binary being written or read; <c>null</c> for plain closures (which may not hold RDDs).</summary>
    public RddTable? Rdds { get; private set; }

    /// <summary>How type names are resolved; <c>null</c> when the options only serialise.</summary>
    public TypeResolutionPolicy? Policy { get; }

    /// <summary>The <see cref="DataflowSerializer.Version"/> the resolver was built for.</summary>
    public int ResolverVersion { get; }

    /// <summary>Options resolving with <paramref name="policy"/>; untrusted-data security (depth limit, collision-resistant hashing) when deserialising.</summary>
    public static ClosureSerializerOptions Create(TypeResolutionPolicy? policy)
    {
        var (resolver, version) = ClosureResolver.Current;
        var options = new ClosureSerializerOptions(resolver, policy, version);
        return policy is null ? options : (ClosureSerializerOptions)options.WithSecurity(MessagePackSecurity.UntrustedData);
    }

    /// <summary>The policy, which deserialising formatters need.</summary>
    public static TypeResolutionPolicy PolicyOf(MessagePackSerializerOptions options) =>
        (options as ClosureSerializerOptions)?.Policy ??
        throw new InvalidOperationException("Closures are deserialised only with ClosureSerializer.Deserialize and a TypeResolutionPolicy.");

    /// <summary>A copy of these options for writing or reading one task binary with <paramref name="rdds"/>.</summary>
    public ClosureSerializerOptions WithRdds(RddTable rdds)
    {
        var copy = (ClosureSerializerOptions)Clone();
        copy.Rdds = rdds;
        return copy;
    }

    /// <inheritdoc />
    public override Type LoadType(string typeName) =>
        Policy?.Resolve(typeName) ?? throw new InvalidOperationException("These closure options only serialise.");

    /// <inheritdoc />
    public override void ThrowIfDeserializingTypeIsDisallowed(Type type)
    {
        base.ThrowIfDeserializingTypeIsDisallowed(type);
        if (Policy is null)
        {
            throw new InvalidOperationException("These closure options only serialise.");
        }

        Policy.ThrowIfDisallowed(type);
    }

    /// <inheritdoc />
    protected override MessagePackSerializerOptions Clone() => new ClosureSerializerOptions(this);
}
