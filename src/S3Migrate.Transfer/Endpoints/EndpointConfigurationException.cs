namespace S3Migrate.Transfer.Endpoints;

/// <summary>An endpoint's settings are unusable; the message is one line naming the endpoint and the setting.</summary>
public sealed class EndpointConfigurationException(string message) : Exception(message);
