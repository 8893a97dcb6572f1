namespace S3Migrate.Orleans.Aws.Tests.Reminders;

/// <summary>A grain that registers and removes reminders on request.</summary>
public interface IReminderOwnerGrain : IGrainWithStringKey
{
    Task Register(string name);

    Task Unregister(string name);

    Task<string[]> Names();
}
