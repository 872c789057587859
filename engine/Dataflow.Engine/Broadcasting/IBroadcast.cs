namespace Dataflow.Broadcasting;

/// <summary>What the engine needs of any <see cref="Broadcast{T}"/> without knowing its value type.</summary>
internal interface IBroadcast
{
    long Id { get; }

    CallSite CallSite { get; }

    bool IsDestroyed { get; }
}
