namespace Dataflow.Collections;

/// <content>Reading the sorted records from memory when nothing spilled, and spilling the unread rest on request.</content>
internal sealed partial class ExternalSorter<TKey, TItem>
{
    /// <summary>
    /// Writes the records not yet read from memory to a run, which the reader continues from, and releases the
    /// memory: another operator of the task needs it more than a buffer that is only being read.
    /// </summary>
    public override void SpillOnRequest()
    {
        Context.Memory.RemoveSpillable(this);
        if (_reading is null || _readIndex >= _reading.Count)
        {
            return;
        }

        _readRest = SpillRun<(int, TKey, TItem)>.Write(Context, _name, Rest(_reading, _readIndex));
        _reading = null;
        SpilledBytes += _readRest.Bytes;
        RecordSpill(_readRest.Bytes);
        ReleaseMemory();
    }

    private static IEnumerable<T> Rest<T>(List<T> list, int start)
    {
        for (var i = start; i < list.Count; i++)
        {
            yield return list[i];
        }
    }

    // Fields only, no locals: a local in the iterator would keep the list alive after a spill on request.
    private IEnumerable<(int Partition, TKey Key, TItem Value)> ReadInMemory()
    {
        Context.Memory.AddSpillable(this);
        try
        {
            while (_reading is not null && _readIndex < _reading.Count)
            {
                yield return _reading[_readIndex++];
            }

            if (_readRest is not null)
            {
                foreach (var record in _readRest.Read())
                {
                    yield return record;
                }
            }
        }
        finally
        {
            Context.Memory.RemoveSpillable(this);
        }
    }
}
