namespace Dataflow.Scheduling;

/// <summary>An executor's slots as the <see cref="TaskSetScheduler"/> counts them; changed under its lock.</summary>
internal sealed class ExecutorState(ExecutorSlots slots)
{
    public string Id { get; } = slots.Id;

    public string Host { get; } = slots.Host;

    public int Slots { get; } = slots.Slots;

    /// <inheritdoc cref="ExecutorSlots.BarrierSlots"/>
    public int? BarrierSlots { get; } = slots.BarrierSlots;

    /// <summary>Ordinary attempts running.</summary>
    public int Running { get; private set; }

    /// <summary>Barrier attempts running.</summary>
    public int RunningBarrier { get; private set; }

    /// <summary>Ordinary slots free now.</summary>
    public int FreeSlots => Slots - Running - (BarrierSlots is null ? RunningBarrier : 0);

    /// <summary>Slots free now for barrier tasks.</summary>
    public int FreeBarrierSlots => BarrierSlots is { } barrier ? barrier - RunningBarrier : FreeSlots;

    /// <summary>Barrier tasks it can run at once when idle.</summary>
    public int BarrierCapacity => BarrierSlots ?? Slots;

    public void Take(bool barrier)
    {
        if (barrier)
        {
            RunningBarrier++;
        }
        else
        {
            Running++;
        }
    }

    public void Release(bool barrier)
    {
        if (barrier)
        {
            RunningBarrier--;
        }
        else
        {
            Running--;
        }
    }
}
