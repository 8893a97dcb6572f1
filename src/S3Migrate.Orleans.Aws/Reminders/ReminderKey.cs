using System.Globalization;
using System.Text;
using Orleans.Runtime;

namespace S3Migrate.Orleans.Aws.Reminders;

/// <summary>
/// The sort key of a reminder item: <c>{hash:x8}/{grain id length}:{grain id}/{reminder name}</c>, where hash is
/// <see cref="GrainId.GetUniformHashCode"/>. The fixed-width hex hash first makes the ring ranges the reminder
/// service asks for into sort-key ranges; the grain id's length makes the key unambiguous whatever characters the
/// grain id and the reminder name hold, and gives a prefix that selects exactly one grain's reminders.
/// </summary>
internal static class ReminderKey
{
    /// <summary>DynamoDB's sort-key limit.</summary>
    private const int MaxBytes = 1024;

    /// <summary>
    /// Sorts after every key of the same hash (whose ninth character is '/') and before every key of a higher
    /// hash (which differs within the first eight characters).
    /// </summary>
    private const char AfterHash = '~';

    public static string For(GrainId grainId, string reminderName)
    {
        var key = GrainPrefix(grainId) + reminderName;
        if (Encoding.UTF8.GetByteCount(key) > MaxBytes)
        {
            throw new ArgumentException(
                $"Grain id {grainId} and reminder name '{reminderName}' make a DynamoDB sort key longer than {MaxBytes} bytes.",
                nameof(reminderName));
        }

        return key;
    }

    public static string GrainPrefix(GrainId grainId)
    {
        var id = grainId.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{HashText(grainId.GetUniformHashCode())}/{id.Length}:{id}/");
    }

    /// <summary>A value greater than every key whose hash is at most <paramref name="hash"/> and less than every other key.</summary>
    public static string AfterAllOfHash(uint hash) => HashText(hash) + AfterHash;

    private static string HashText(uint hash) => hash.ToString("x8", CultureInfo.InvariantCulture);
}
