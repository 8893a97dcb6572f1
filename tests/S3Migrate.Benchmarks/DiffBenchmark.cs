using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Benchmarks;

/// <summary>
/// The engine's sorted-merge diff over two synthetic listings of realistic keys: 1,000,000 source objects and the
/// destination a half-finished migration leaves (≈5 % missing, ≈1 % changed, ≈1 % extra, ≈0.5 % filtered out),
/// generated as they are read and never held. Prints keys/s, elapsed time, peak RSS and GC counts against the
/// targets (≤ 10 s, ≤ 200 MiB on two cores), and checks the diff's counts against what the generator made.
/// </summary>
public static class DiffBenchmark
{
    private const int SourceObjects = 1_000_000;
    private const double TargetSeconds = 10;
    private const long TargetPeakBytes = 200L * 1024 * 1024;
    private const double BytesPerMiB = 1024 * 1024;
    private const string SourcePrefix = "data/";
    private const string DestinationPrefix = "migrated/data/";

    public static async Task<bool> RunAsync(CancellationToken cancellationToken = default)
    {
        Console.WriteLine("| diff of synthetic listings | direct | with read-ahead | target |");
        Console.WriteLine("|---|---|---|---|");
        var direct = await MeasureAsync(readAhead: false, cancellationToken);
        var buffered = await MeasureAsync(readAhead: true, cancellationToken);
        var peak = PeakResidentBytes();
        Row("source / destination keys", $"{direct.SourceKeys:N0} / {direct.DestinationKeys:N0}", $"{buffered.SourceKeys:N0} / {buffered.DestinationKeys:N0}", string.Empty);
        Row("missing / changed / extra / same / filtered", direct.Counts, buffered.Counts, "as generated");
        Row("counts as generated", direct.CountsRight ? "yes" : "NO", buffered.CountsRight ? "yes" : "NO", "yes");
        Row("keys/s (both listings)", $"{direct.KeysPerSecond:N0}", $"{buffered.KeysPerSecond:N0}", string.Empty);
        Row("elapsed (s)", $"{direct.Seconds:F2}", $"{buffered.Seconds:F2}", $"≤ {TargetSeconds:F0}");
        Row("GC count (gen0 / gen1 / gen2)", direct.Collections, buffered.Collections, string.Empty);
        Row("allocated (MiB)", $"{direct.AllocatedMiB:F0}", $"{buffered.AllocatedMiB:F0}", string.Empty);
        Row("peak RSS of the process (MiB)", peak is { } bytes ? $"{bytes / BytesPerMiB:F0}" : "n/a", string.Empty, $"≤ {TargetPeakBytes / BytesPerMiB:F0}");
        var targetsMet = Math.Max(direct.Seconds, buffered.Seconds) <= TargetSeconds && (peak ?? 0) <= TargetPeakBytes;
        Console.WriteLine(targetsMet ? "targets met" : "TARGETS MISSED");
        return direct.CountsRight && buffered.CountsRight;
    }

    /// <summary>One full diff; with <paramref name="readAhead"/>, each listing goes through <see cref="ParallelLister"/> as in production.</summary>
    private static async Task<Measurement> MeasureAsync(bool readAhead, CancellationToken cancellationToken)
    {
        var source = new SyntheticBucket(SyntheticBucket.Side.Source, SourcePrefix, SourceObjects);
        var destination = new SyntheticBucket(SyntheticBucket.Side.Destination, DestinationPrefix, SourceObjects);
        IObjectLister sourceLister = readAhead ? new ParallelLister(source) : source;
        IObjectLister destinationLister = readAhead ? new ParallelLister(destination) : destination;
        var differ = new BucketDiffer(new DiffOptions
        {
            Mapping = new KeyMapping(SourcePrefix, DestinationPrefix),
            Filter = new KeyFilter([], ["*/_temporary/*"]),
            IncludeExtras = true,
        });
        var counters = new DiffCounters();
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();

        var entries = new Dictionary<DiffKind, long>();
        await foreach (var entry in differ.DiffAsync(
            sourceLister.ListAsync("source", SourcePrefix, null, cancellationToken),
            destinationLister.ListAsync("destination", DestinationPrefix, null, cancellationToken),
            counters,
            cancellationToken))
        {
            entries[entry.Kind] = entries.GetValueOrDefault(entry.Kind) + 1;
        }

        watch.Stop();
        var totals = counters.Snapshot();
        var expected = (source.Missing, source.Changed, source.Same, destination.Extra, source.Filtered);
        var actual = (totals.Missing, totals.Changed, totals.Same, totals.Extra, totals.Filtered);
        return new Measurement(
            source.Listed,
            destination.Listed,
            watch.Elapsed.TotalSeconds,
            string.Create(CultureInfo.InvariantCulture, $"{totals.Missing:N0} / {totals.Changed:N0} / {totals.Extra:N0} / {totals.Same:N0} / {totals.Filtered:N0}"),
            expected == actual &&
                entries.GetValueOrDefault(DiffKind.Missing) == totals.Missing &&
                entries.GetValueOrDefault(DiffKind.Changed) == totals.Changed &&
                entries.GetValueOrDefault(DiffKind.Extra) == totals.Extra &&
                !entries.ContainsKey(DiffKind.Same),
            $"{GC.CollectionCount(0) - collections[0]} / {GC.CollectionCount(1) - collections[1]} / {GC.CollectionCount(2) - collections[2]}",
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / BytesPerMiB);
    }

    private static void Row(string metric, string direct, string readAhead, string target) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {metric} | {direct} | {readAhead} | {target} |"));

    /// <summary>VmHWM: the most resident memory this process has had (Linux only).</summary>
    private static long? PeakResidentBytes()
    {
        const string Field = "VmHWM:";
        const long BytesPerKiB = 1024;
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(static l => l.StartsWith(Field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[Field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * BytesPerKiB;
    }

    private sealed record Measurement(
        long SourceKeys, long DestinationKeys, double Seconds, string Counts, bool CountsRight, string Collections, double AllocatedMiB)
    {
        public double KeysPerSecond => (SourceKeys + DestinationKeys) / Seconds;
    }

    /// <summary>
    /// One side of a migration, listed in UTF-8 order from a deterministic sequence of object slots: each slot's hash
    /// decides whether it exists on this side and, on the destination, whether it differs. Keys look like log and
    /// data lake paths, with some Unicode, spaces, '+', '%2F' and '//' in names. Nothing is stored between objects.
    /// </summary>
    private sealed class SyntheticBucket(SyntheticBucket.Side side, string root, int sourceObjects) : IObjectLister
    {
        private const int SlotsPerDay = 4096;
        private const int SlotsPerHost = 256;
        private const int DaysPerMonth = 28;
        private const int PerMille = 1000;
        private const int ExtraBelow = 10;
        private const int MissingBelow = 60;
        private const int ChangedBelow = 70;
        private const int TemporaryBelow = 75;
        private const int MaxSize = 64 * 1024 * 1024;
        private const int MultipartEvery = 10;
        private const string StorageClass = "STANDARD";

        private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private static readonly string[] Names =
        [
            "part-{0}.json.gz", "part-{0}.json.gz", "part-{0}.json.gz", "part-{0}.parquet", "part-{0}.parquet",
            "报告 v2+final-{0}.pdf", "photo 😀 {0}.jpg", "a%2Fb-{0}.bin", "sub//double-{0}.txt", "ünïcødé-{0}.csv",
        ];

        public enum Side
        {
            Source,
            Destination,
        }

        public long Listed { get; private set; }

        public long Missing { get; private set; }

        public long Changed { get; private set; }

        public long Same { get; private set; }

        public long Extra { get; private set; }

        public long Filtered { get; private set; }

        public async IAsyncEnumerable<ListedObject> ListAsync(
            string bucket, string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var sourceSlots = 0;
            for (long slot = 0; sourceSlots < sourceObjects; slot++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var hash = Mix((ulong)slot);
                var kind = (int)(hash % PerMille);
                if (kind >= ExtraBelow)
                {
                    sourceSlots++;
                }

                var listed = Slot(slot, hash, kind);
                if (listed is null || !listed.Key.StartsWith(prefix, StringComparison.Ordinal) ||
                    (startAfter is not null && Utf8KeyComparer.CompareKeys(listed.Key, startAfter) <= 0))
                {
                    continue;
                }

                Listed++;
                yield return listed;
            }

            await Task.CompletedTask;
        }

        private ListedObject? Slot(long slot, ulong hash, int kind)
        {
            var temporary = kind is >= ChangedBelow and < TemporaryBelow;
            if (side == Side.Source)
            {
                if (kind < ExtraBelow)
                {
                    return null;
                }

                if (temporary)
                {
                    Filtered++;
                }
                else if (kind < MissingBelow)
                {
                    Missing++;
                }
                else if (kind < ChangedBelow)
                {
                    Changed++;
                }
                else
                {
                    Same++;
                }
            }
            else
            {
                if (kind is >= ExtraBelow and < MissingBelow || temporary)
                {
                    return null;
                }

                Extra += kind < ExtraBelow ? 1 : 0;
            }

            var changed = side == Side.Destination && kind is >= MissingBelow and < ChangedBelow;
            var size = (long)(hash >> 32) % MaxSize;
            var etag = ETag(hash, multipart: slot % MultipartEvery == 0);
            if (changed)
            {
                (size, etag) = (hash & 1) == 0 ? (size + 1, etag) : (size, ETag(~hash, multipart: slot % MultipartEvery == 0));
            }

            return new ListedObject(Key(slot, hash, temporary), size, etag, Epoch.AddSeconds(slot), StorageClass);
        }

        /// <summary>Keys sort by slot: every path component before the slot number is non-decreasing in it.</summary>
        private string Key(long slot, ulong hash, bool temporary)
        {
            var day = slot / SlotsPerDay;
            var host = slot % SlotsPerDay / SlotsPerHost;
            var name = temporary ? "_temporary/attempt.tmp" : string.Format(CultureInfo.InvariantCulture, Names[(int)((hash >> 8) % (ulong)Names.Length)], hash >> 40);
            return string.Create(CultureInfo.InvariantCulture,
                $"{root}logs/2024/{(day / DaysPerMonth) + 1:D2}/{(day % DaysPerMonth) + 1:D2}/host-{host:D2}/{slot:D8}{(temporary ? "/" : "-")}{name}");
        }

        private static string ETag(ulong hash, bool multipart)
        {
            var second = Mix(hash);
            var hex = string.Create(CultureInfo.InvariantCulture, $"{hash:x16}{second:x16}");
            return multipart ? hex + "-3" : hex;
        }

        /// <summary>SplitMix64: a cheap, well-spread hash of the slot number.</summary>
        private static ulong Mix(ulong value)
        {
            value += 0x9E3779B97F4A7C15UL;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            return value ^ (value >> 31);
        }
    }
}
