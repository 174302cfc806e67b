using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Sentinel.Contracts;

namespace Sentinel.Gateway.StatusPages;

/// Renders a snapshot as one self-contained HTML document: inline CSS, every value HTML-encoded, and a small
/// constant script (allowed by its hash in the Content-Security-Policy) that follows the page's event stream and
/// updates the states. Without JavaScript the page is complete as served.
public static class StatusPageHtml
{
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'; " +
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static readonly Dictionary<string, string> StateLabels = new()
    {
        [MonitorStatuses.Up] = "Operational",
        [MonitorStatuses.Down] = "Down",
        [MonitorStatuses.Paused] = "Paused",
        [MonitorStatuses.New] = "Pending",
    };

    static readonly Dictionary<string, string> OverallLabels = new()
    {
        ["operational"] = "All systems operational",
        ["partial-outage"] = "Partial outage",
        ["major-outage"] = "Major outage",
        ["maintenance"] = "Maintenance in progress",
        ["unknown"] = "Status being determined",
    };

    public static string Render(StatusSnapshot s)
    {
        var html = new StringBuilder(16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">")
            .Append("<title>").Append(E(s.Title)).Append(" status</title><style>").Append(Css).Append("</style></head>\n")
            .Append("<body data-events=\"/status/").Append(E(s.Slug)).Append("/events?after=").Append(Uri.EscapeDataString(s.LastEventId))
            .Append("\"><main>")
            .Append("<header><h1 id=\"title\">").Append(E(s.Title)).Append("</h1>");
        if (s.Description is not null)
            html.Append("<p class=\"description\">").Append(E(s.Description)).Append("</p>");
        var overall = s.Overall;
        html.Append("</header><div id=\"overall\" class=\"overall overall-").Append(overall).Append("\">")
            .Append(E(OverallLabels[overall])).Append("</div>\n");

        if (s.Maintenance.Count > 0)
        {
            html.Append("<section id=\"maintenance\"><h2>Maintenance</h2>");
            foreach (var m in s.Maintenance)
                html.Append("<article class=\"maintenance").Append(m.Active ? " active" : "").Append("\"><strong>")
                    .Append(E(m.Name)).Append("</strong> <span>").Append(m.Active ? "in progress, until " : "scheduled ")
                    .Append(m.Active ? Time(m.EndsAt) : Time(m.StartsAt) + " – " + Time(m.EndsAt)).Append("</span></article>");
            html.Append("</section>\n");
        }

        html.Append("<section id=\"incidents\"><h2>Incidents</h2>");
        if (s.Incidents is null)
            html.Append("<p class=\"unavailable\">Incidents unavailable right now.</p>");
        else if (s.Incidents.Count == 0)
            html.Append("<p class=\"none\">No open incidents.</p>");
        else
            foreach (var i in s.Incidents)
                html.Append("<article class=\"incident\" data-monitor-ref=\"").Append(E(i.MonitorPublicId)).Append("\"><strong>")
                    .Append(E(i.MonitorName)).Append("</strong> <span class=\"incident-status\">").Append(E(i.Status))
                    .Append("</span> since ").Append(Time(i.OpenedAt))
                    .Append(i.Error is null ? "" : "<div class=\"incident-error\">" + E(i.Error) + "</div>").Append("</article>");
        html.Append("</section>\n");

        foreach (var group in s.Groups)
        {
            html.Append("<section class=\"group\"><h2>").Append(E(group.Name)).Append("</h2>");
            foreach (var m in group.Monitors)
                Monitor(html, m, s.HistoryDays);
            html.Append("</section>\n");
        }

        html.Append("<footer>Last updated <time id=\"updated\" datetime=\"").Append(s.GeneratedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
            .Append("\">").Append(Time(s.GeneratedAt)).Append("</time> · Powered by Sentinel</footer></main>")
            .Append("<script>").Append(Script).Append("</script></body></html>\n");
        return html.ToString();
    }

    static void Monitor(StringBuilder html, MonitorSnapshot m, int historyDays)
    {
        html.Append("<div class=\"monitor\" data-monitor=\"").Append(E(m.PublicId)).Append("\"><div class=\"row\">")
            .Append("<span class=\"name\">").Append(E(m.Name)).Append("</span>")
            .Append("<span class=\"uptime\">").Append(m.UptimePercent is { } u ? Percent(u) + " uptime" : "").Append("</span>")
            .Append("<span class=\"state state-").Append(E(m.Status)).Append("\">")
            .Append(E(StateLabels.GetValueOrDefault(m.Status, m.Status))).Append("</span></div>");
        if (m.Days is null)
            html.Append("<p class=\"history-unavailable\">History unavailable</p>");
        else
        {
            html.Append("<div class=\"bars\" aria-label=\"").Append(historyDays).Append(" days of uptime\">");
            foreach (var d in m.Days)
                html.Append("<span class=\"bar ").Append(BarClass(d)).Append("\" title=\"")
                    .Append(d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(": ")
                    .Append(d.UptimePercent is { } p ? Percent(p) + " uptime, " + d.Checks.ToString(CultureInfo.InvariantCulture) + " checks" : "no data")
                    .Append("\"></span>");
            html.Append("</div><div class=\"axis\"><span>").Append(historyDays).Append(" days ago</span><span>Today</span></div>");
        }
        html.Append("</div>");
    }

    public static string BarClass(DaySnapshot d) => d.UptimePercent switch
    {
        null => "bar-none",
        >= 99.9 => "bar-ok",
        >= 99 => "bar-minor",
        >= 95 => "bar-partial",
        _ => "bar-major",
    };

    static string Percent(double value) =>
        (Math.Floor(value * 100) / 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    static string E(string value) => HtmlEncoder.Default.Encode(value);

    const string Css = """
        *{box-sizing:border-box}body{margin:0;background:#f5f6f8;color:#1f2933;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        main{max-width:860px;margin:0 auto;padding:32px 16px}h1{margin:0 0 4px;font-size:28px}h2{font-size:17px;margin:0 0 12px}
        .description{margin:0;color:#52606d}header{margin-bottom:20px}
        .overall{padding:14px 18px;border-radius:8px;color:#fff;font-weight:600;margin-bottom:24px}
        .overall-operational{background:#2f9e44}.overall-partial-outage{background:#f08c00}.overall-major-outage{background:#e03131}
        .overall-maintenance{background:#1c7ed6}.overall-unknown{background:#868e96}
        section{background:#fff;border-radius:8px;padding:18px;margin-bottom:18px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        .monitor{padding:10px 0;border-top:1px solid #eef0f2}.monitor:first-of-type{border-top:0}
        .row{display:flex;align-items:center;gap:12px}.name{font-weight:600;flex:1}.uptime{color:#52606d;font-size:13px}
        .state{font-size:13px;font-weight:600;padding:2px 10px;border-radius:12px;background:#e9ecef;color:#495057}
        .state-up{background:#d3f9d8;color:#2b8a3e}.state-down{background:#ffe3e3;color:#c92a2a}.state-paused{background:#e7f5ff;color:#1864ab}
        .bars{display:flex;gap:2px;margin-top:8px;height:30px}.bar{flex:1;border-radius:2px;background:#dee2e6}
        .bar-ok{background:#40c057}.bar-minor{background:#a9e34b}.bar-partial{background:#fab005}.bar-major{background:#fa5252}
        .axis{display:flex;justify-content:space-between;color:#868e96;font-size:12px;margin-top:2px}
        .history-unavailable,.unavailable{color:#868e96;font-style:italic;margin:6px 0 0}.none{color:#52606d;margin:0}
        .incident,.maintenance{padding:8px 0;border-top:1px solid #eef0f2}.incident:first-of-type{border-top:0}
        .incident-error{color:#c92a2a;font-size:13px}footer{color:#868e96;font-size:13px;text-align:center;margin-top:24px}
        """;

    /// Constant, so its hash in the Content-Security-Policy never changes; the stream URL comes from the page.
    const string Script = """
        (function () {
          if (!window.EventSource) return;
          var labels = { up: 'Operational', down: 'Down', paused: 'Paused', 'new': 'Pending' };
          var overall = { operational: 'All systems operational', 'partial-outage': 'Partial outage', 'major-outage': 'Major outage', unknown: 'Status being determined' };
          function refreshOverall() {
            var states = Array.prototype.map.call(document.querySelectorAll('.monitor .state'), function (s) { return s.getAttribute('data-state') || s.className.replace('state state-', ''); });
            if (!states.length) return;
            var down = states.filter(function (s) { return s === 'down'; }).length;
            var key = down ? (down === states.length ? 'major-outage' : 'partial-outage') : (states.every(function (s) { return s === 'up'; }) ? 'operational' : 'unknown');
            var banner = document.getElementById('overall');
            if (banner.className.indexOf('overall-maintenance') >= 0 && key !== 'partial-outage' && key !== 'major-outage') return;
            banner.className = 'overall overall-' + key;
            banner.textContent = overall[key];
          }
          var source = new EventSource(document.body.getAttribute('data-events'));
          source.addEventListener('status', function (e) {
            var change = JSON.parse(e.data);
            if (!/^[0-9a-f]+$/.test(change.monitor) || !/^[a-z]+$/.test(change.status)) return;
            var states = document.querySelectorAll('[data-monitor="' + change.monitor + '"] .state');
            if (!states.length) return;
            Array.prototype.forEach.call(states, function (state) {
              state.className = 'state state-' + change.status;
              state.setAttribute('data-state', change.status);
              state.textContent = labels[change.status] || change.status;
            });
            var updated = document.getElementById('updated');
            var now = new Date();
            updated.setAttribute('datetime', now.toISOString());
            updated.textContent = now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
            refreshOverall();
          });
        })();
        """;
}
