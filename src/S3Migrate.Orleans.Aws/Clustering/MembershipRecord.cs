using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;
using Schema = S3Migrate.Orleans.Aws.Clustering.MembershipTableSchema;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>Converts between a <see cref="MembershipEntry"/> and the DynamoDB item of its silo row.</summary>
internal static class MembershipRecord
{
    /// <summary>Separates the values of the suspect lists; it appears in neither a silo address nor a date.</summary>
    private const char ListSeparator = '|';

    /// <summary>Round-trip ISO 8601 in UTC: exact to the tick, and ordered as text.</summary>
    private const string DateFormat = "O";

    /// <summary>"ip-port-generation": unique per silo incarnation, and never equal to the version row's identity.</summary>
    public static string SiloIdentityOf(SiloAddress silo) =>
        string.Create(CultureInfo.InvariantCulture, $"{silo.Endpoint.Address}-{silo.Endpoint.Port}-{silo.Generation}");

    public static Dictionary<string, AttributeValue> ToItem(string clusterId, MembershipEntry entry, long etag, int membershipVersion)
    {
        var silo = entry.SiloAddress;
        var item = Schema.Key(clusterId, SiloIdentityOf(silo));
        item[Schema.Address] = S(silo.Endpoint.Address.ToString());
        item[Schema.Port] = N(silo.Endpoint.Port);
        item[Schema.Generation] = N(silo.Generation);
        item[Schema.SiloStatus] = N((int)entry.Status);
        item[Schema.ProxyPort] = N(entry.ProxyPort);
        item[Schema.UpdateZone] = N(entry.UpdateZone);
        item[Schema.FaultZone] = N(entry.FaultZone);
        item[Schema.StartTime] = S(FormatDate(entry.StartTime));
        item[Schema.IAmAliveTime] = S(FormatDate(entry.IAmAliveTime));
        item[Schema.MembershipVersion] = N(membershipVersion);
        item[Schema.ETag] = N(etag);

        // Unknown names are left out rather than stored empty.
        AddIfNotEmpty(item, Schema.HostName, entry.HostName);
        AddIfNotEmpty(item, Schema.SiloName, entry.SiloName);
        AddIfNotEmpty(item, Schema.RoleName, entry.RoleName);
        if (entry.SuspectTimes is { Count: > 0 } suspects)
        {
            item[Schema.SuspectingSilos] = S(string.Join(ListSeparator, suspects.Select(suspect => suspect.Item1.ToParsableString())));
            item[Schema.SuspectingTimes] = S(string.Join(ListSeparator, suspects.Select(suspect => FormatDate(suspect.Item2))));
        }

        return item;
    }

    /// <summary>Reads a silo row; false when a value is missing or malformed.</summary>
    public static bool TryParse(
        Dictionary<string, AttributeValue> item,
        [NotNullWhen(true)] out MembershipEntry? entry,
        [NotNullWhen(true)] out string? etag)
    {
        entry = null;
        etag = null;
        if (!TryGetString(item, Schema.Address, out var addressText) || !IPAddress.TryParse(addressText, out var address)
            || !TryGetInt(item, Schema.Port, out var port)
            || !TryGetInt(item, Schema.Generation, out var generation)
            || !TryGetInt(item, Schema.SiloStatus, out var status)
            || !TryGetInt(item, Schema.ProxyPort, out var proxyPort)
            || !TryGetDate(item, Schema.StartTime, out var startTime)
            || !TryGetDate(item, Schema.IAmAliveTime, out var iAmAliveTime)
            || !TryGetLong(item, Schema.ETag, out var etagValue)
            || !TryParseSuspects(item, out var suspects))
        {
            return false;
        }

        entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(address, port, generation),
            Status = (SiloStatus)status,
            ProxyPort = proxyPort,
            HostName = TryGetString(item, Schema.HostName, out var hostName) ? hostName : string.Empty,
            SiloName = TryGetString(item, Schema.SiloName, out var siloName) ? siloName : string.Empty,
            RoleName = TryGetString(item, Schema.RoleName, out var roleName) ? roleName : null,
            UpdateZone = TryGetInt(item, Schema.UpdateZone, out var updateZone) ? updateZone : 0,
            FaultZone = TryGetInt(item, Schema.FaultZone, out var faultZone) ? faultZone : 0,
            StartTime = startTime,
            IAmAliveTime = iAmAliveTime,
            SuspectTimes = suspects,
        };
        etag = FormatEtag(etagValue);
        return true;
    }

    public static string FormatEtag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseEtag(string? etag, out long value) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public static string FormatDate(DateTime value) => AsUtc(value).ToString(DateFormat, CultureInfo.InvariantCulture);

    public static bool TryGetDate(Dictionary<string, AttributeValue> item, string name, out DateTime value)
    {
        value = default;
        return TryGetString(item, name, out var text) && TryParseDate(text, out value);
    }

    public static bool TryGetInt(Dictionary<string, AttributeValue> item, string name, out int value)
    {
        value = 0;
        return item.TryGetValue(name, out var attribute) && attribute.N is { } text
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetLong(Dictionary<string, AttributeValue> item, string name, out long value)
    {
        value = 0;
        return item.TryGetValue(name, out var attribute) && attribute.N is { } text
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Orleans stamps membership times with UTC clocks; a value of unspecified kind is taken as UTC.</summary>
    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static bool TryParseDate(string text, out DateTime value) =>
        DateTime.TryParseExact(
            text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);

    private static bool TryGetString(Dictionary<string, AttributeValue> item, string name, [NotNullWhen(true)] out string? value)
    {
        value = item.TryGetValue(name, out var attribute) ? attribute.S : null;
        return !string.IsNullOrEmpty(value);
    }

    private static bool TryParseSuspects(Dictionary<string, AttributeValue> item, out List<Tuple<SiloAddress, DateTime>> suspects)
    {
        suspects = [];
        var hasSilos = TryGetString(item, Schema.SuspectingSilos, out var silosText);
        var hasTimes = TryGetString(item, Schema.SuspectingTimes, out var timesText);
        if (!hasSilos && !hasTimes)
        {
            return true;
        }

        if (!hasSilos || !hasTimes)
        {
            return false;
        }

        var silos = silosText!.Split(ListSeparator);
        var times = timesText!.Split(ListSeparator);
        if (silos.Length != times.Length)
        {
            return false;
        }

        for (var i = 0; i < silos.Length; i++)
        {
            if (!TryParseDate(times[i], out var time))
            {
                return false;
            }

            if (!SiloAddress.TryParse(silos[i], out var suspect))
            {
                return false;
            }

            suspects.Add(Tuple.Create(suspect, time));
        }

        return true;
    }

    private static void AddIfNotEmpty(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }
}
