using System.Collections;
using Dataflow.Execution;
using Dataflow.Storage;

namespace Dataflow.Collections;

/// <summary>
/// The values of one key (one input of a co-group), which may be far larger than memory: values are kept in a list
/// while the task's memory allows; when refused, the list is appended to the group's own spill file and dropped.
/// Once sealed, a spilled group streams its values back from that file (one frame in memory), as often as it is
/// enumerated, until the task ends; a group that never spilled is an in-memory list.
/// </summary>
/// <remarks>Spark has no equivalent (its CompactBuffer must fit in memory); this is what lets one key's values exceed the budget.</remarks>
internal sealed class SpillableGroup<T> : MemoryConsumer, IReadOnlyCollection<T>, IValueGroup
{
    // A value costs a list slot besides itself.
    private const long SlotOverhead = 8;

    private readonly SizeTracker<T> _estimator = new(SlotOverhead);
    private List<T> _values = [];
    private SpillWriter<T>? _writer;
    private SpillRun<T>? _run;
    private bool _sealed;

    public SpillableGroup(TaskContext context) : base(context)
    {
        Boxed = new BoxedCollection<T>(this);
    }

    public int Count { get; private set; }

    /// <summary>Whether the values live in a spill file.</summary>
    public bool IsSpilled => _run is not null || _writer is not null;

    public IReadOnlyCollection<object?> Boxed { get; }

    public void Add(T value)
    {
        if (_sealed)
        {
            throw new InvalidOperationException("The group is sealed.");
        }

        _values.Add(value);
        Count = checked(Count + 1);
        if (_estimator.Update(value) && !TryReserve(_estimator.Estimate(_values.Count)))
        {
            SpillValues();
        }
    }

    public void Seal()
    {
        if (_sealed)
        {
            return;
        }

        _sealed = true;
        if (_writer is not null)
        {
            SpillValues();
            _run = _writer.Finish();
            _writer = null;
        }
    }

    public void Release() => ReleaseMemory();

    public void Abandon()
    {
        if (_sealed)
        {
            // Handed out already: the caller may still hold it, so only the accounting goes.
            ReleaseMemory();
            return;
        }

        _sealed = true;
        _writer?.Dispose();
        _writer = null;
        _values = [];
        ReleaseMemory();
    }

    public IEnumerator<T> GetEnumerator()
    {
        if (!_sealed)
        {
            throw new InvalidOperationException("A group is enumerated only once all its values are in.");
        }

        return (_run is { } run ? run.Read() : _values).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void SpillValues()
    {
        _writer ??= new SpillWriter<T>(Context, "values");
        if (_values.Count > 0)
        {
            var before = _writer.BytesWritten;
            foreach (var value in _values)
            {
                _writer.Append(value);
            }

            _writer.Flush();
            RecordSpill(_writer.BytesWritten - before);
        }

        _values = [];
        ReleaseMemory();
        _estimator.CheckNext();
    }
}
