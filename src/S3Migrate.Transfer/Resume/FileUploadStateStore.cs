using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3Migrate.Transfer.Resume;

/// <summary>
/// One small JSON file per destination object (named by a hash of service, bucket and key) listing the uploads the
/// engine started for it. Written to a temporary file and renamed, so a crash leaves the old or the new list.
/// </summary>
public sealed class FileUploadStateStore : IUploadStateStore, IDisposable
{
    private readonly string _directory;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FileUploadStateStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyList<UploadRecord>> FindAsync(UploadTarget target, CancellationToken cancellationToken)
    {
        var path = PathOf(target);
        if (!File.Exists(path))
        {
            return [];
        }

        await using var stream = File.OpenRead(path);
        var records = await JsonSerializer.DeserializeAsync(stream, UploadStateJson.Default.ListUploadRecord, cancellationToken) ?? [];
        return [.. records.Where(r => r.Target == target)];
    }

    public Task SaveAsync(UploadRecord record, CancellationToken cancellationToken) =>
        UpdateAsync(record.Target, records => [.. records.Where(r => r.UploadId != record.UploadId), record], cancellationToken);

    public Task RemoveAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken) =>
        UpdateAsync(target, records => [.. records.Where(r => r.UploadId != uploadId)], cancellationToken);

    private async Task UpdateAsync(UploadTarget target, Func<IReadOnlyList<UploadRecord>, List<UploadRecord>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var updated = change(await FindAsync(target, cancellationToken));
            var path = PathOf(target);
            if (updated.Count == 0)
            {
                File.Delete(path);
                return;
            }

            var temporary = path + "." + Environment.ProcessId + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(updated, UploadStateJson.Default.ListUploadRecord), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string PathOf(UploadTarget target)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Service}\n{target.Bucket}\n{target.Key}"));
        return Path.Combine(_directory, Convert.ToHexStringLower(hash)[..40] + ".json");
    }
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(List<UploadRecord>))]
internal sealed partial class UploadStateJson : JsonSerializerContext;
