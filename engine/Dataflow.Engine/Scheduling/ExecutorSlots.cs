namespace Dataflow.Scheduling;

/// <summary>An executor as the task scheduler sees it.</summary>
/// <param name="Id">The executor id (a task's preferred location may name it: process-local).</param>
/// <param name="Host">Its host (a preferred location may name it: host-local).</param>
/// <param name="Slots">Task attempts it runs at once.</param>
/// <param name="BarrierSlots">
/// Barrier task attempts it runs at once on threads of their own, besides <paramref name="Slots"/> (local mode);
/// <c>null</c> when barrier tasks take ordinary slots (a cluster worker).
/// </param>
internal sealed record ExecutorSlots(string Id, string Host, int Slots, int? BarrierSlots = null);
