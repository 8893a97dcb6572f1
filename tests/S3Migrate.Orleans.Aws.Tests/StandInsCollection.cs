using System.Diagnostics.CodeAnalysis;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests;

/// <summary>Test classes marked <c>[Collection(StandInsCollection.Name)]</c> share this process's DynamoDB Local and fauxqs.</summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "xUnit collection definitions are named after the collection they define.")]
public sealed class StandInsCollection : ICollectionFixture<StandInsFixture>
{
    public const string Name = "Stand-ins";
}
