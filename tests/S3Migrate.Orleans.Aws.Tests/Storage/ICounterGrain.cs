namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>A grain whose only data is a persisted counter.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    Task<int> Get();

    /// <summary>Ends this activation once the call returns, so the next call reads the state from storage.</summary>
    Task Deactivate();
}
