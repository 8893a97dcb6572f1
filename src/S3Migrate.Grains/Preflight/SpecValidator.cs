using System.Text.RegularExpressions;
using S3Migrate.Abstractions;
using S3Migrate.Transfer.Diff;

namespace S3Migrate.Grains.Preflight;

/// <summary>Checks a spec on its own (no network): every problem, one line each, naming the setting.</summary>
public static partial class SpecValidator
{
    /// <summary>The shortest resync interval: reminders fire at most once a minute.</summary>
    public static readonly TimeSpan MinimumResyncInterval = TimeSpan.FromMinutes(1);

    private static readonly HashSet<string> StorageClasses = new(StringComparer.Ordinal)
    {
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
    };

    private static readonly HashSet<string> CannedAcls = new(StringComparer.Ordinal)
    {
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control",
    };

    public static IReadOnlyList<string> Validate(MigrationSpec spec)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.SourceEndpoint) || string.IsNullOrWhiteSpace(spec.DestinationEndpoint))
        {
            problems.Add("the source and destination endpoints must be named");
        }

        if (spec.Routes.Count == 0)
        {
            problems.Add("the migration has no routes (source bucket/prefix → destination bucket/prefix)");
        }

        for (var i = 0; i < spec.Routes.Count; i++)
        {
            var route = spec.Routes[i];
            foreach (var (bucket, side) in new[] { (route.SourceBucket, "source"), (route.DestinationBucket, "destination") })
            {
                if (!BucketName().IsMatch(bucket ?? string.Empty))
                {
                    problems.Add($"route {i + 1}: '{bucket}' is not a valid {side} bucket name");
                }
            }

            if (route.SourcePrefix is null || route.DestinationPrefix is null)
            {
                problems.Add($"route {i + 1}: prefixes may be empty but not missing");
            }
        }

        for (var i = 0; i < spec.Routes.Count; i++)
        {
            for (var j = i + 1; j < spec.Routes.Count; j++)
            {
                var (a, b) = (spec.Routes[i], spec.Routes[j]);
                if (a.DestinationBucket == b.DestinationBucket &&
                    (a.DestinationPrefix.StartsWith(b.DestinationPrefix, StringComparison.Ordinal) || b.DestinationPrefix.StartsWith(a.DestinationPrefix, StringComparison.Ordinal)))
                {
                    problems.Add($"routes {i + 1} and {j + 1} write to overlapping destinations (s3://{a.DestinationBucket}/{a.DestinationPrefix} and s3://{b.DestinationBucket}/{b.DestinationPrefix})");
                }
            }
        }

        var options = spec.Options;
        if (options.StorageClass is { } storageClass && !StorageClasses.Contains(storageClass))
        {
            problems.Add($"storage class '{storageClass}' is not one of {string.Join(", ", StorageClasses)}");
        }

        if (options.Encryption is { } encryption && encryption is not ("AES256" or "aws:kms"))
        {
            problems.Add($"encryption '{encryption}' must be AES256 or aws:kms");
        }

        if (options.KmsKeyId is not null && options.Encryption != "aws:kms")
        {
            problems.Add("a KMS key is given but encryption is not aws:kms");
        }

        if (options.CannedAcl is { } acl && !CannedAcls.Contains(acl))
        {
            problems.Add($"canned ACL '{acl}' is not one of {string.Join(", ", CannedAcls)}");
        }

        if (options.ResyncInterval is { } interval && interval < MinimumResyncInterval)
        {
            problems.Add($"the resync interval must be at least {MinimumResyncInterval.TotalMinutes:F0} minute");
        }

        try
        {
            _ = new KeyFilter(options.Include, options.Exclude);
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();
}
