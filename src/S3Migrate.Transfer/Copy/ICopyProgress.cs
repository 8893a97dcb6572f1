namespace S3Migrate.Transfer.Copy;

/// <summary>Receives progress of one copy as it happens (called from transfer threads; keep it cheap).</summary>
public interface ICopyProgress
{
    /// <summary>The object's size and part count are known.</summary>
    void Started(long size, int partCount);

    /// <summary>Bytes were written to the destination.</summary>
    void BytesTransferred(long count);

    /// <summary>A part is at the destination: uploaded now, or <paramref name="reused"/> from an earlier run.</summary>
    void PartCompleted(int partNumber, long size, bool reused);
}
