using System.Collections.Concurrent;

namespace S3Migrate.LocalS3.Faults;

/// <summary>
/// Requests per operation and bytes in and out, plus a bounded journal of recent requests, so tests can assert
/// "N requests per object" and "this part was not sent again".
/// </summary>
public sealed class RequestCounters(int journalCapacity = RequestCounters.DefaultJournalCapacity)
{
    public const int DefaultJournalCapacity = 200_000;

    private readonly ConcurrentDictionary<string, Counter> _byOperation = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RequestRecord> _journal = new();
    private int _journalCount;

    /// <summary>Raised after every request, on the request's thread. Tests use it to act at an exact moment.</summary>
    public event Action<RequestRecord>? RequestCompleted;

    public void Record(RequestRecord record)
    {
        var counter = _byOperation.GetOrAdd(record.Operation, static _ => new Counter());
        Interlocked.Increment(ref counter.Requests);
        if (record.Status >= 400)
        {
            Interlocked.Increment(ref counter.Errors);
        }

        if (record.Fault is not null)
        {
            Interlocked.Increment(ref counter.Faults);
        }

        Interlocked.Add(ref counter.BytesIn, record.BytesIn);
        Interlocked.Add(ref counter.BytesOut, record.BytesOut);

        _journal.Enqueue(record);
        if (Interlocked.Increment(ref _journalCount) > journalCapacity && _journal.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _journalCount);
        }

        RequestCompleted?.Invoke(record);
    }

    public IReadOnlyDictionary<string, OperationStats> Snapshot() =>
        _byOperation.ToDictionary(
            static p => p.Key,
            static p => new OperationStats(
                Interlocked.Read(ref p.Value.Requests), Interlocked.Read(ref p.Value.Errors), Interlocked.Read(ref p.Value.Faults),
                Interlocked.Read(ref p.Value.BytesIn), Interlocked.Read(ref p.Value.BytesOut)),
            StringComparer.Ordinal);

    public long Requests(string operation) => _byOperation.TryGetValue(operation, out var c) ? Interlocked.Read(ref c.Requests) : 0;

    public long TotalRequests => _byOperation.Values.Sum(static c => Interlocked.Read(ref c.Requests));

    public long TotalBytesIn => _byOperation.Values.Sum(static c => Interlocked.Read(ref c.BytesIn));

    public long TotalBytesOut => _byOperation.Values.Sum(static c => Interlocked.Read(ref c.BytesOut));

    public IReadOnlyList<RequestRecord> Journal(Func<RequestRecord, bool>? filter = null) =>
        filter is null ? [.. _journal] : [.. _journal.Where(filter)];

    public void Reset()
    {
        _byOperation.Clear();
        _journal.Clear();
        Interlocked.Exchange(ref _journalCount, 0);
    }

    private sealed class Counter
    {
        public long Requests;
        public long Errors;
        public long Faults;
        public long BytesIn;
        public long BytesOut;
    }
}
