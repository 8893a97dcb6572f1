using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace S3Migrate.LocalS3.Protocol;

/// <summary>Writing S3's XML responses and reading request documents (namespace-agnostic, no DTDs).</summary>
public static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>The longest XML request body accepted (DeleteObjects with 1000 long keys fits).</summary>
    public const int MaxRequestDocumentBytes = 4 * 1024 * 1024;

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
    };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };

    public static byte[] Write(string rootElement, Action<XmlWriter> body, bool withNamespace = true)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, WriterSettings))
        {
            writer.WriteStartDocument();
            if (withNamespace)
            {
                writer.WriteStartElement(rootElement, Namespace);
            }
            else
            {
                writer.WriteStartElement(rootElement);
            }

            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }

    public static void Element(this XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteElementString(name, Namespace, value);
        }
    }

    public static void Element(this XmlWriter writer, string name, long value) =>
        writer.WriteElementString(name, Namespace, value.ToString(CultureInfo.InvariantCulture));

    public static void Element(this XmlWriter writer, string name, bool value) =>
        writer.WriteElementString(name, Namespace, value ? "true" : "false");

    public static void Start(this XmlWriter writer, string name) => writer.WriteStartElement(name, Namespace);

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string HttpDate(DateTimeOffset time) => time.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    public static string Quote(string etag) => "\"" + etag + "\"";

    /// <summary>Strips the quotes clients keep around ETags (and Go's &amp;#34; escapes after XML decoding).</summary>
    public static string Unquote(string etag) => etag.Trim().Trim('"');

    /// <summary>Parses a request document; a body that is not XML is 400 MalformedXML.</summary>
    public static XElement Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            throw S3Errors.MalformedXml();
        }

        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            return XDocument.Load(reader).Root ?? throw S3Errors.MalformedXml();
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXml();
        }
    }

    public static IEnumerable<XElement> Children(this XElement element, string localName) =>
        element.Elements().Where(e => e.Name.LocalName == localName);

    public static XElement? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static string? ChildValue(this XElement element, string localName) => element.Child(localName)?.Value;
}
