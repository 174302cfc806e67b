using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Sentinel.Gateway.ConfigAsCode;

/// The configuration file is YAML on the outside and the REST API's JSON shapes on the inside: reading turns YAML into
/// JsonNode (so the REST request records and their validation apply unchanged), writing turns JsonNode back into YAML.
public static partial class ConfigYaml
{
    /// A YAML syntax error with where it is (1-based line and column).
    public sealed record SyntaxError(long Line, long Column, string Message);

    public static (JsonObject? Root, SyntaxError? Error) Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner && ex.Message.Contains("Exception during deserialization", StringComparison.Ordinal)
                ? inner.Message
                : ex.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            return (null, new SyntaxError(ex.Start.Line, ex.Start.Column, cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message));
        }
        if (stream.Documents.Count == 0)
            return (new JsonObject(), null);
        if (stream.Documents.Count > 1)
            return (null, new SyntaxError(stream.Documents[1].RootNode.Start.Line, stream.Documents[1].RootNode.Start.Column,
                "The file must hold one YAML document."));
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" or "null" })
            return (new JsonObject(), null);
        if (ToJson(root) is not JsonObject json)
            return (null, new SyntaxError(root.Start.Line, root.Start.Column, "The file must be a mapping (channels:, monitors:, ...)."));
        return (json, null);
    }

    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// Plain scalars carry YAML's core types (null, booleans, numbers); quoted ones are always strings.
    static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
            return JsonValue.Create(value);
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                => JsonValue.Create(n),
            _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    public static string Write(JsonObject root)
    {
        var document = new YamlDocument((YamlMappingNode)ToYaml(root));
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(document).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends every document with "...": one file is one document, so the marker is noise.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    static YamlNode ToYaml(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var map = new YamlMappingNode();
                foreach (var (key, value) in obj)
                    map.Add(new YamlScalarNode(key), ToYaml(value));
                return map;
            case JsonArray array:
                var list = new YamlSequenceNode();
                foreach (var item in array)
                    list.Add(ToYaml(item));
                // Lists of scalars read best on one line: [a, b]. Plain scalars never hold ",[]{}" (see PlainText).
                if (array.All(i => i is JsonValue v && (v.GetValueKind() != JsonValueKind.String || !v.GetValue<string>().Contains('\n'))))
                    list.Style = SequenceStyle.Flow;
                return list;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return new YamlScalarNode(text)
                {
                    Style = text.Contains('\n') ? ScalarStyle.Literal
                        : SafePlain(text) ? ScalarStyle.Plain
                        : ScalarStyle.DoubleQuoted,
                };
            case JsonValue value:
                return new YamlScalarNode(value.ToJsonString()) { Style = ScalarStyle.Plain };
            default:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
        }
    }

    /// A string written plain must read back as that same string, not as null, a boolean or a number.
    static bool SafePlain(string text) =>
        PlainText().IsMatch(text) && Scalar(new YamlScalarNode(text) { Style = ScalarStyle.Plain }) is JsonValue v
        && v.GetValueKind() == JsonValueKind.String
        && !Reserved.Contains(text);

    // YAML 1.1 readers take these as booleans; quoting keeps other tools reading the file the same way.
    static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "y", "n", "yes", "no", "on", "off" };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_/][A-Za-z0-9 _./+@()-]*(?<! )$")]
    private static partial Regex PlainText();
}
