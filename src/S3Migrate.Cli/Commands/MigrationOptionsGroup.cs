using System.CommandLine;
using S3Migrate.Abstractions;
using S3Migrate.Cli.Console;
using S3Migrate.Grains.Options;
using S3Migrate.Silo.BucketList;
using S3Migrate.Transfer.Diff;

namespace S3Migrate.Cli.Commands;

/// <summary>What to copy (SRC DST, or the original tool's bucket list) and how the destination objects look.</summary>
internal sealed class MigrationOptionsGroup
{
    public Argument<string?> Source { get; } = new("SRC") { Description = "s3://bucket/prefix to copy from", Arity = ArgumentArity.ZeroOrOne };

    public Argument<string?> Destination { get; } = new("DST") { Description = "s3://bucket/prefix to copy to", Arity = ArgumentArity.ZeroOrOne };

    public Option<string?> BucketList { get; } = new("--bucket-list")
    {
        Description = "A JSON file in the original tool's format [{src_bucket, src_prefix, des_bucket, des_prefix}] instead of SRC DST",
    };

    public Option<string?> StorageClass { get; } = new("--storage-class") { Description = "Destination storage class (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, …)" };

    public Option<string?> Sse { get; } = new("--sse") { Description = "Destination encryption: AES256 or aws:kms" };

    public Option<string?> SseKmsKeyId { get; } = new("--sse-kms-key-id") { Description = "KMS key for --sse aws:kms" };

    public Option<string?> Acl { get; } = new("--acl") { Description = "Canned ACL for destination objects (e.g. bucket-owner-full-control)" };

    public Option<bool> NoTags { get; } = new("--no-tags") { Description = "Do not copy object tags" };

    public Option<bool> RequesterPays { get; } = new("--requester-pays") { Description = "The source bucket is requester-pays" };

    public Option<string[]> Include { get; } = new("--include") { Description = "Only keys matching this glob (relative to the source prefix; * crosses /); repeatable" };

    public Option<string[]> Exclude { get; } = new("--exclude") { Description = "Leave out keys matching this glob; repeatable" };

    public Option<string?> IgnoreList { get; } = new("--ignore-list") { Description = "The original tool's ignore list: one wildcard on bucket/key per line" };

    public Option<bool> CompareLastModified { get; } = new("--compare-last-modified") { Description = "Also copy objects newer at the source than at the destination" };

    public Option<bool> DeleteExtras { get; } = new("--delete-extras") { Description = "Delete destination objects that are not at the source" };

    public Option<bool> FollowDeletes { get; } = new("--follow-deletes") { Description = "Delete at the destination what S3 event notifications report removed at the source (cluster mode)" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Source);
        command.Arguments.Add(Destination);
        foreach (var option in new Option[] { BucketList, StorageClass, Sse, SseKmsKeyId, Acl, NoTags, RequesterPays, Include, Exclude, IgnoreList, CompareLastModified, DeleteExtras, FollowDeletes })
        {
            command.Options.Add(option);
        }
    }

    public IReadOnlyList<MigrationRoute> Routes(ParseResult result)
    {
        var source = result.GetValue(Source);
        var destination = result.GetValue(Destination);
        foreach (var argument in new[] { source, destination })
        {
            if (argument is not null && argument.StartsWith('-'))
            {
                throw new UsageException($"unknown option '{argument}'");
            }
        }
        if (result.GetValue(BucketList) is { } file)
        {
            if (source is not null)
            {
                throw new UsageException("give either SRC DST or --bucket-list, not both");
            }

            if (!File.Exists(file))
            {
                throw new UsageException($"--bucket-list: file '{file}' does not exist");
            }

            try
            {
                var routes = BucketListParser.Parse(File.ReadAllText(file), $"file '{file}'");
                return routes.Count > 0 ? routes : throw new UsageException($"--bucket-list: file '{file}' lists no buckets");
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message, e);
            }
        }

        if (source is null || destination is null)
        {
            throw new UsageException("give SRC and DST (s3://bucket/prefix), or --bucket-list FILE");
        }

        var from = S3Url.Parse(source, "SRC");
        var to = S3Url.Parse(destination, "DST");

        // A List, not a collection expression: grain storage serializes the spec with its runtime type, and the
        // compiler's synthesized single-element list is a type the storage serializer refuses to read back.
        return new List<MigrationRoute> { new(from.Bucket, from.Prefix, to.Bucket, to.Prefix) };
    }

    public MigrationOptions Options(ParseResult result)
    {
        var exclude = new List<string>(result.GetValue(Exclude) ?? []);
        if (result.GetValue(IgnoreList) is { } file)
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"--ignore-list: file '{file}' does not exist");
            }

            exclude.AddRange(KeyFilter.FromIgnoreList(File.ReadAllLines(file)).Exclude);
        }

        var include = result.GetValue(Include) ?? [];
        try
        {
            _ = new KeyFilter(include, exclude);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }

        var sse = result.GetValue(Sse);
        if (sse is not null and not "AES256" and not "aws:kms")
        {
            throw new UsageException($"--sse '{sse}' must be AES256 or aws:kms");
        }

        return new MigrationOptions
        {
            StorageClass = result.GetValue(StorageClass)?.ToUpperInvariant(),
            Encryption = sse,
            KmsKeyId = result.GetValue(SseKmsKeyId),
            CannedAcl = result.GetValue(Acl),
            CopyTags = !result.GetValue(NoTags),
            RequesterPaysSource = result.GetValue(RequesterPays),
            Include = include,
            Exclude = exclude,
            CompareLastModified = result.GetValue(CompareLastModified),
            DeleteExtras = result.GetValue(DeleteExtras),
            DeleteOnSourceRemoval = result.GetValue(FollowDeletes),
        };
    }
}

/// <summary>The silo's transfer limits, with the original tool's names.</summary>
internal sealed class TransferOptionsGroup
{
    public Option<int?> MaxParallelFile { get; } = new("--max-parallel-file") { Description = "Objects copied at once (default 8)" };

    public Option<int?> MaxThread { get; } = new("--max-thread") { Description = "Parts in flight per object (default 8)" };

    public Option<string?> PartSize { get; } = new("--part-size") { Description = "Multipart part size (default 16MiB; grown to fit 10,000 parts)" };

    public Option<string?> ResumableThreshold { get; } = new("--resumable-threshold") { Description = "Objects above this size go multipart and resumable (default 16MiB)" };

    public Option<string?> MemoryBudget { get; } = new("--memory-budget") { Description = "Part buffers held at once (default 512MiB)" };

    public Option<int?> MaxRetry { get; } = new("--max-retry") { Description = "Retries per request for transient errors (default 10)" };

    public Option<int?> JobTimeout { get; } = new("--job-timeout") { Description = "Seconds one object may take before it is interrupted (resumable; default 43200)" };

    public Option<string?> StateDir { get; } = new("--state-dir") { Description = "Where resume records are kept (default ~/.s3migrate/uploads)" };

    public Option<bool> FollowDeletes { get; } = new("--follow-deletes") { Description = "Delete at the destination what S3 event notifications report removed at the source (cluster mode)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { MaxParallelFile, MaxThread, PartSize, ResumableThreshold, MemoryBudget, MaxRetry, JobTimeout, StateDir })
        {
            command.Options.Add(option);
        }
    }

    public MigrationEngineOptions Apply(ParseResult result, MigrationEngineOptions options)
    {
        options = options with
        {
            MaxParallelFile = result.GetValue(MaxParallelFile) ?? options.MaxParallelFile,
            MaxThread = result.GetValue(MaxThread) ?? options.MaxThread,
            PartSize = result.GetValue(PartSize) is { } part ? Sizes.Parse(part, "--part-size") : options.PartSize,
            ResumableThreshold = result.GetValue(ResumableThreshold) is { } threshold ? Sizes.Parse(threshold, "--resumable-threshold") : options.ResumableThreshold,
            MemoryBudgetBytes = result.GetValue(MemoryBudget) is { } budget ? Sizes.Parse(budget, "--memory-budget") : options.MemoryBudgetBytes,
            MaxRetry = result.GetValue(MaxRetry) ?? options.MaxRetry,
            JobTimeoutSeconds = result.GetValue(JobTimeout) ?? options.JobTimeoutSeconds,
            StateDirectory = result.GetValue(StateDir) ?? options.StateDirectory,
        };
        var problems = options.Validate().ToList();
        return problems.Count > 0 ? throw new UsageException(problems[0]) : options;
    }
}
