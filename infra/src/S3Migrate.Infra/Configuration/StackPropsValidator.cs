using System.Text.RegularExpressions;

namespace S3Migrate.Infra.Configuration;

/// <summary>Rejects settings that would synthesize a stack that cannot deploy or cannot work, naming each problem.</summary>
internal static partial class StackPropsValidator
{
    /// <summary>SQS accepts a maxReceiveCount from 1 to 1,000.</summary>
    private const int MaxReceiveCountLimit = 1000;

    /// <summary>SQS's largest visibility timeout (12 hours).</summary>
    private const int MaxVisibilityTimeoutSeconds = 43_200;

    /// <summary>Below this the silo's heartbeat (a third of the timeout) would leave too little slack.</summary>
    private const int MinVisibilityTimeoutSeconds = 30;

    /// <summary>SQS keeps messages at most 14 days.</summary>
    private const int MaxRetentionDays = 14;

    /// <summary>The Orleans cluster must survive the loss of one zone.</summary>
    private const int MinAvailabilityZones = 2;

    /// <summary>SQS's longest long-polling wait.</summary>
    private const int MaxReceiveWaitSeconds = 20;

    public static void Validate(S3MigrateStackProps props)
    {
        var problems = new List<string>();

        if (props.JobsQueueMaxReceiveCount is < 1 or > MaxReceiveCountLimit)
        {
            problems.Add($"JobsQueueMaxReceiveCount must be between 1 and {MaxReceiveCountLimit}, not {props.JobsQueueMaxReceiveCount}.");
        }

        if (props.JobVisibilityTimeoutSeconds is < MinVisibilityTimeoutSeconds or > MaxVisibilityTimeoutSeconds)
        {
            problems.Add($"JobVisibilityTimeoutSeconds must be between {MinVisibilityTimeoutSeconds} and {MaxVisibilityTimeoutSeconds}, not {props.JobVisibilityTimeoutSeconds}.");
        }

        if (props.MessageRetentionDays is < 1 or > MaxRetentionDays)
        {
            problems.Add($"MessageRetentionDays must be between 1 and {MaxRetentionDays}, not {props.MessageRetentionDays}.");
        }

        if (props.ReceiveWaitSeconds is < 0 or > MaxReceiveWaitSeconds)
        {
            problems.Add($"ReceiveWaitSeconds must be between 0 and {MaxReceiveWaitSeconds}, not {props.ReceiveWaitSeconds}.");
        }

        if (props.AvailabilityZoneCount < MinAvailabilityZones)
        {
            problems.Add($"AvailabilityZoneCount must be at least {MinAvailabilityZones}, not {props.AvailabilityZoneCount}.");
        }

        if (props.Network == NetworkLayout.PrivateSubnetsWithNat && props.NatGateways < 1)
        {
            problems.Add("The private subnet layout needs at least one NAT gateway.");
        }

        if (!props.ParameterPathPrefix.StartsWith('/'))
        {
            problems.Add($"ParameterPathPrefix must start with '/', not '{props.ParameterPathPrefix}'.");
        }

        foreach (var route in props.Routes)
        {
            foreach (var bucket in new[] { route.SrcBucket, route.DesBucket })
            {
                if (bucket is null || !BucketName().IsMatch(bucket))
                {
                    problems.Add($"Route {route.SrcBucket}/{route.SrcPrefix} -> {route.DesBucket}/{route.DesPrefix}: '{bucket}' is not a valid bucket name.");
                }
            }
        }

        var routeSources = props.Routes.Select(r => r.SrcBucket).ToHashSet(StringComparer.Ordinal);
        if (props.EventSourceBuckets.Count > 0 && props.JobType != JobType.Put)
        {
            problems.Add("Event notifications need the cluster on the source side (JobType PUT): S3 only notifies queues in its own partition.");
        }

        foreach (var bucket in props.EventSourceBuckets.Where(b => !routeSources.Contains(b)))
        {
            problems.Add($"Event source bucket '{bucket}' is not the source of any route, so its events could not be mapped to a destination.");
        }

        if (props.AllowDestinationDeletes && props.JobType != JobType.Get)
        {
            problems.Add("AllowDestinationDeletes only applies when the destination is local (JobType GET).");
        }

        foreach (var arn in props.BucketKmsKeyArns.Where(a => !KmsKeyArn().IsMatch(a)))
        {
            problems.Add($"'{arn}' is not a KMS key ARN.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid S3Migrate deployment settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:kms:[a-z0-9\-]+:\d{12}:key/[A-Za-z0-9\-]+$")]
    private static partial Regex KmsKeyArn();
}
