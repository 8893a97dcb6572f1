using System.Security.Cryptography;

namespace S3Migrate.LocalS3.Tests;

/// <summary>Deterministic test bytes and digests.</summary>
public static class TestData
{
    public const int MiB = 1024 * 1024;

    public static byte[] Bytes(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    public static string Md5Base64(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public static string Unquote(string etag) => etag.Trim('"');
}
