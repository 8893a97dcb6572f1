using System.CommandLine;
using Amazon;
using Amazon.SQS;
using Amazon.SQS.Model;
using S3Migrate.Abstractions;
using S3Migrate.Cli.Console;
using S3Migrate.Orleans.Aws.Streaming;

namespace S3Migrate.Cli.Commands;

/// <summary>
/// Puts a list of source objects on a cluster's jobs queue as job messages of a migration (the original tool's
/// "list to SQS"); the silos map each key to its destination through the migration's routes.
/// </summary>
internal static class EnqueueCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("ID") { Description = "The migration the jobs belong to (submitted earlier)" };
        var list = new Argument<string>("LIST") { Description = "A file with one source object per line: s3://bucket/key or bucket/key" };
        var queue = new Option<string?>("--queue") { Description = "The jobs queue's name (S3Migrate:Cluster:JobsQueueName)" };
        var sqsUrl = new Option<string?>("--sqs-url") { Description = "An SQS-compatible endpoint instead of AWS" };
        var region = new Option<string?>("--region") { Description = "The queue's region (default: the SDK's)" };
        var batch = new Option<int>("--batch") { Description = "Jobs per message (1–1000)", DefaultValueFactory = static _ => 100 };
        var command = Help.Create("enqueue", "Put a list of source objects on the jobs queue for a migration", """
            Each line names one source object; the silos copy it to where the migration's routes map it.
            Blank lines and lines starting with # are skipped.

            Example:
              s3migrate enqueue m-20261128 keys.txt --queue s3migrate-jobs --region us-east-1
            """);
        command.Arguments.Add(id);
        command.Arguments.Add(list);
        foreach (var option in new Option[] { queue, sqsUrl, region, batch })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var migrationId = result.GetValue(id)!;
            var path = result.GetValue(list)!;
            var queueName = result.GetValue(queue) ?? throw new UsageException("--queue is required: the name of the cluster's jobs queue");
            var perMessage = result.GetValue(batch);
            if (perMessage is < 1 or > 1000)
            {
                throw new UsageException($"--batch {perMessage} must be between 1 and 1000");
            }

            var jobs = Read(path, migrationId);
            Uri? serviceUrl = null;
            if (result.GetValue(sqsUrl) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out serviceUrl) || serviceUrl.Scheme is not ("http" or "https")))
            {
                throw new UsageException($"--sqs-url '{text}' is not an http(s) URL");
            }

            using var sqs = Client(serviceUrl, result.GetValue(region));
            string url;
            try
            {
                url = (await sqs.GetQueueUrlAsync(queueName, cancellationToken)).QueueUrl;
            }
            catch (QueueDoesNotExistException)
            {
                throw new UsageException($"SQS queue '{queueName}' does not exist");
            }

            var bodies = jobs.Chunk(perMessage)
                .SelectMany(chunk => chunk.Length == 1 ? JobMessages.EncodeWithin(chunk, null, SqsMessageLeases.MaxMessageBytes)
                    : JobMessages.EncodeWithin(chunk, "enqueue/" + Guid.NewGuid().ToString("N"), SqsMessageLeases.MaxMessageBytes))
                .ToList();
            var sent = 0;
            foreach (var group in SqsBatches.Split(bodies, static body => System.Text.Encoding.UTF8.GetByteCount(body), SqsMessageLeases.MaxMessageBytes))
            {
                var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. group.Select(static (body, i) => new SendMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), body))],
                }, cancellationToken);
                if (response.Failed is { Count: > 0 } failed)
                {
                    throw new UsageException($"SQS refused {failed.Count} of the messages after {sent} were sent: {failed[0].Code} {failed[0].Message}");
                }

                sent += group.Count;
            }

            System.Console.Out.WriteLine($"{jobs.Count} jobs of migration {migrationId} in {sent} messages on {queueName}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The list's objects as jobs without a destination (the silos map it).</summary>
    private static List<ObjectJob> Read(string path, string migrationId)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"list file '{path}' does not exist");
        }

        var jobs = new List<ObjectJob>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var text = line.StartsWith("s3://", StringComparison.Ordinal) ? line["s3://".Length..] : line;
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == text.Length - 1)
            {
                throw new UsageException($"{path}:{number}: '{line}' is not s3://bucket/key or bucket/key");
            }

            jobs.Add(new ObjectJob
            {
                MigrationId = migrationId,
                SourceBucket = text[..slash],
                SourceKey = text[(slash + 1)..],
                DestinationBucket = string.Empty,
                DestinationKey = string.Empty,
            });
        }

        return jobs.Count > 0 ? jobs : throw new UsageException($"list file '{path}' names no object");
    }

    private static AmazonSQSClient Client(Uri? serviceUrl, string? region)
    {
        var config = new AmazonSQSConfig();
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonSQSClient(config);
    }
}
