namespace S3Migrate.Orleans.Aws.Tests.Reminders;

/// <summary>Registers reminders far enough apart that none ticks during a test.</summary>
public sealed class ReminderOwnerGrain : Grain, IReminderOwnerGrain, IRemindable
{
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    public async Task Register(string name) => await this.RegisterOrUpdateReminder(name, Period, Period);

    public async Task Unregister(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<string[]> Names() => [.. (await this.GetReminders()).Select(reminder => reminder.ReminderName)];

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
