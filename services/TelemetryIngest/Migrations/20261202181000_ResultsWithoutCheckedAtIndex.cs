using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.TelemetryIngest.Migrations
{
    /// <inheritdoc />
    public partial class ResultsWithoutCheckedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The results listing is ordered and paged by due time now, which the primary key
            // (monitor_id, due_at, check_id) serves: (monitor_id, checked_at) was a second B-tree written for every
            // stored result, a third of the database's work per result at ingest, for one listing endpoint.
            migrationBuilder.Sql("drop index if exists telemetry.ix_ping_results_monitor_checked_at;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("create index ix_ping_results_monitor_checked_at on telemetry.ping_results (monitor_id, checked_at desc);");
        }
    }
}
