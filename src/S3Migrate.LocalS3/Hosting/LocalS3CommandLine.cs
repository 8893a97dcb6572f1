using System.Globalization;
using S3Migrate.LocalS3.Auth;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>The command line of the LocalS3 program; a malformed argument is a one-line <see cref="FormatException"/>.</summary>
public sealed record LocalS3CommandLine(LocalS3ServerOptions Server, IReadOnlyList<(string Endpoint, string Bucket)> Buckets)
{
    public const string Usage = """
        Usage: S3Migrate.LocalS3 --endpoint NAME=HOST:PORT,ACCESS_KEY,SECRET_KEY[,region=REGION][,https][,readonly] [...]
                                 [--data-dir DIR] [--admin HOST:PORT] [--sqs-endpoint URL] [--min-part-size SIZE]
                                 [--cert-dir DIR] [--bucket ENDPOINT:BUCKET ...]

          --endpoint       an S3 endpoint with its own key pair (repeat for several, e.g. global and china)
          --data-dir       keep buckets on disk under DIR/NAME (default: in memory)
          --admin          serve the test-control API (counters, journal, faults, keys) on HOST:PORT
          --sqs-endpoint   where event notifications are sent (an SQS-compatible endpoint)
          --min-part-size  smallest non-last multipart part, e.g. 5MiB (default) or 64KiB for tests
          --cert-dir       where the development CA (ca.pem) for HTTPS endpoints is kept (default: DATA_DIR/tls)
          --bucket         create this bucket on that endpoint at start if it does not exist

        Example:
          S3Migrate.LocalS3 --endpoint global=127.0.0.1:9000,KEY1,SECRET1 --endpoint china=127.0.0.1:9001,KEY2,SECRET2,region=cn-north-1
        """;

    public static LocalS3CommandLine Parse(IReadOnlyList<string> args)
    {
        var endpoints = new List<(string Name, string Host, int Port, string Key, string Secret, string Region, bool Https, bool ReadOnly)>();
        var buckets = new List<(string, string)>();
        string? dataDirectory = null, admin = null, sqs = null, certificateDirectory = null;
        var minPartSize = LocalS3EndpointOptions.DefaultMinPartSize;

        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{option} needs a value.");
            switch (option)
            {
                case "--endpoint": endpoints.Add(ParseEndpoint(Value())); break;
                case "--data-dir": dataDirectory = Value(); break;
                case "--admin": admin = Value(); break;
                case "--sqs-endpoint": sqs = Value(); break;
                case "--cert-dir": certificateDirectory = Value(); break;
                case "--min-part-size": minPartSize = ParseSize(Value()); break;
                case "--bucket":
                {
                    var value = Value();
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0 || colon == value.Length - 1)
                    {
                        throw new FormatException($"--bucket '{value}': expected ENDPOINT:BUCKET.");
                    }

                    buckets.Add((value[..colon], value[(colon + 1)..]));
                    break;
                }

                default: throw new FormatException($"Unknown option '{option}'. Run with --help for usage.");
            }
        }

        if (endpoints.Count == 0)
        {
            throw new FormatException("At least one --endpoint is required. Run with --help for usage.");
        }

        foreach (var (endpoint, bucket) in buckets)
        {
            if (!endpoints.Any(e => e.Name == endpoint))
            {
                throw new FormatException($"--bucket names the endpoint '{endpoint}', which is not defined.");
            }
        }

        var options = new LocalS3ServerOptions
        {
            Endpoints = [.. endpoints.Select(e => new LocalS3EndpointOptions
            {
                Name = e.Name,
                Host = e.Host,
                Port = e.Port,
                AccessKeys = [new AccessKey(e.Key, e.Secret, e.ReadOnly ? AccessRights.Read : AccessRights.ReadWrite)],
                Region = e.Region,
                Https = e.Https,
                DataDirectory = dataDirectory is null ? null : Path.Combine(dataDirectory, e.Name),
                MinPartSize = minPartSize,
                SqsServiceUrl = sqs,
            })],
            AdminAddress = admin,
            CertificateDirectory = certificateDirectory ?? (dataDirectory is null ? null : Path.Combine(dataDirectory, "tls")),
        };
        return new LocalS3CommandLine(options, buckets);
    }

    private static (string, string, int, string, string, string, bool, bool) ParseEndpoint(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var parts = equals <= 0 ? [] : value[(equals + 1)..].Split(',');
        if (parts.Length < 3)
        {
            throw new FormatException($"--endpoint '{Redact(value)}': expected NAME=HOST:PORT,ACCESS_KEY,SECRET_KEY[,region=REGION][,https][,readonly].");
        }

        var name = value[..equals];
        var colon = parts[0].LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(parts[0][(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"--endpoint {name}: '{parts[0]}' is not HOST:PORT.");
        }

        var host = parts[0][..colon];
        if (!host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !System.Net.IPAddress.TryParse(host, out _))
        {
            throw new FormatException($"--endpoint {name}: '{host}' is not an IP address or localhost.");
        }

        string region = "us-east-1";
        bool https = false, readOnly = false;
        foreach (var flag in parts.Skip(3))
        {
            if (flag.StartsWith("region=", StringComparison.Ordinal))
            {
                region = flag["region=".Length..];
            }
            else if (flag == "https")
            {
                https = true;
            }
            else if (flag == "readonly")
            {
                readOnly = true;
            }
            else
            {
                throw new FormatException($"--endpoint {name}: unknown setting '{flag}'.");
            }
        }

        return (name, host, port, parts[1], parts[2], region, https, readOnly);
    }

    /// <summary>A byte size: a number with an optional K/M/G (KiB/MiB/GiB) suffix.</summary>
    public static long ParseSize(string value)
    {
        var text = value.Trim();
        long multiplier = 1;
        foreach (var (suffix, factor) in new[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = factor;
                text = text[..^suffix.Length];
                break;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number * multiplier
            : throw new FormatException($"'{value}' is not a size (e.g. 5MiB).");
    }

    /// <summary>Never echo a secret key back, even in an error message.</summary>
    private static string Redact(string value)
    {
        var parts = value.Split(',');
        if (parts.Length >= 3)
        {
            parts[2] = "***";
        }

        return string.Join(',', parts);
    }
}
