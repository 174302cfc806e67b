using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Sentinel.Gateway.Badges;

/// A shields.io-style "flat" badge: a grey label and a coloured value, widths estimated from Verdana 11px
/// (no font files are read: the estimate is close enough for short labels, as with shields' own fallback).
public static class BadgeSvg
{
    public const string Green = "#4c1";
    public const string YellowGreen = "#a4a61d";
    public const string Yellow = "#dfb317";
    public const string Orange = "#fe7d37";
    public const string Red = "#e05d44";
    public const string Grey = "#9f9f9f";
    public const string Blue = "#007ec6";

    public static string Render(string label, string value, string color)
    {
        var labelWidth = TextWidth(label) + 10;
        var valueWidth = TextWidth(value) + 10;
        var width = labelWidth + valueWidth;
        string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var l = HtmlEncoder.Default.Encode(label);
        var v = HtmlEncoder.Default.Encode(value);
        return new StringBuilder(1024)
            .Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(N(width)).Append("\" height=\"20\" role=\"img\" aria-label=\"")
            .Append(l).Append(": ").Append(v).Append("\"><title>").Append(l).Append(": ").Append(v).Append("</title>")
            .Append("<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>")
            .Append("<clipPath id=\"r\"><rect width=\"").Append(N(width)).Append("\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>")
            .Append("<g clip-path=\"url(#r)\"><rect width=\"").Append(N(labelWidth)).Append("\" height=\"20\" fill=\"#555\"/>")
            .Append("<rect x=\"").Append(N(labelWidth)).Append("\" width=\"").Append(N(valueWidth)).Append("\" height=\"20\" fill=\"").Append(color).Append("\"/>")
            .Append("<rect width=\"").Append(N(width)).Append("\" height=\"20\" fill=\"url(#s)\"/></g>")
            .Append("<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" text-rendering=\"geometricPrecision\" font-size=\"11\">")
            .Append("<text x=\"").Append(N(labelWidth / 2)).Append("\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">").Append(l).Append("</text>")
            .Append("<text x=\"").Append(N(labelWidth / 2)).Append("\" y=\"14\">").Append(l).Append("</text>")
            .Append("<text x=\"").Append(N(labelWidth + valueWidth / 2)).Append("\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">").Append(v).Append("</text>")
            .Append("<text id=\"value\" x=\"").Append(N(labelWidth + valueWidth / 2)).Append("\" y=\"14\">").Append(v).Append("</text>")
            .Append("</g></svg>")
            .ToString();
    }

    /// Approximate advance widths of Verdana at 11px.
    static double TextWidth(string text) => Math.Ceiling(text.Sum(c => c switch
    {
        'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 3.5,
        ' ' or 'f' or 'r' or 't' or '(' or ')' or '[' or ']' or 'I' => 4.5,
        'm' or 'w' or 'M' or 'W' or '%' => 10.5,
        >= 'A' and <= 'Z' => 7.5,
        >= '0' and <= '9' => 7,
        _ => 6.5,
    }));

    public static string UptimeColor(double percent) => percent switch
    {
        >= 99.9 => Green,
        >= 99 => YellowGreen,
        >= 95 => Yellow,
        >= 90 => Orange,
        _ => Red,
    };

    public static string LatencyColor(double ms) => ms switch
    {
        < 200 => Green,
        < 500 => YellowGreen,
        < 1000 => Yellow,
        < 2000 => Orange,
        _ => Red,
    };

    /// Rounded down, so 99.999% never shows as a perfect 100%.
    public static string Percent(double percent) =>
        (Math.Floor(percent * 100) / 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Milliseconds(double ms) =>
        ms >= 10_000 ? (ms / 1000).ToString("0.#", CultureInfo.InvariantCulture) + " s" : Math.Round(ms).ToString(CultureInfo.InvariantCulture) + " ms";
}
