using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.TelemetryIngest.Migrations
{
    /// <inheritdoc />
    public partial class LocationsUnknownAndLeanerIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Results keep where they were checked (null: a Checker without a location) and whether the Checker could
            // judge at all (unknown results are stored but never counted). Both columns are added without a rewrite.
            //
            // One index fewer per stored result: the primary key becomes (monitor_id, due_at, check_id). It still
            // rejects a redelivered result (same check id, hence same monitor and due time) and now also serves
            // every read by monitor and due time, so ix_ping_results_monitor_due_at goes. The old key led with the
            // random check id, so each insert touched a random page of a large index; the new one appends near the
            // end of each monitor's range.
            //
            // Rollups are kept per location ('' for none), so stats can be split by location; the key leads with
            // the monitor and hour so a query over all locations is still one range scan.
            migrationBuilder.Sql("""
                alter table telemetry.ping_results add column location text, add column unknown boolean not null default false;
                alter table telemetry.ping_results drop constraint pk_ping_results;
                alter table telemetry.ping_results add constraint pk_ping_results primary key (monitor_id, due_at, check_id);
                drop index telemetry.ix_ping_results_monitor_due_at;

                alter table telemetry.rollup_pending add column location text not null default '';
                alter table telemetry.rollup_pending drop constraint pk_rollup_pending;
                alter table telemetry.rollup_pending add constraint pk_rollup_pending primary key (tenant_id, monitor_id, hour_start, location);

                alter table telemetry.rollup_hourly add column location text not null default '';
                alter table telemetry.rollup_hourly drop constraint pk_rollup_hourly;
                alter table telemetry.rollup_hourly add constraint pk_rollup_hourly primary key (tenant_id, monitor_id, hour_start, location);

                alter table telemetry.rollup_daily add column location text not null default '';
                alter table telemetry.rollup_daily drop constraint pk_rollup_daily;
                alter table telemetry.rollup_daily add constraint pk_rollup_daily primary key (tenant_id, monitor_id, day_start, location);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Rollups of several locations of one hour would collide under the old keys: they are summed away by
            // rolling up again, so the per-location rows are dropped and their hours marked pending.
            migrationBuilder.Sql("""
                insert into telemetry.rollup_pending (tenant_id, monitor_id, hour_start, location)
                select distinct tenant_id, monitor_id, hour_start, '' from telemetry.rollup_hourly where location <> ''
                on conflict do nothing;
                delete from telemetry.rollup_hourly where location <> '';
                delete from telemetry.rollup_daily where location <> '';
                delete from telemetry.rollup_pending where location <> '';
                alter table telemetry.rollup_daily drop constraint pk_rollup_daily;
                alter table telemetry.rollup_daily add constraint pk_rollup_daily primary key (tenant_id, monitor_id, day_start);
                alter table telemetry.rollup_daily drop column location;
                alter table telemetry.rollup_hourly drop constraint pk_rollup_hourly;
                alter table telemetry.rollup_hourly add constraint pk_rollup_hourly primary key (tenant_id, monitor_id, hour_start);
                alter table telemetry.rollup_hourly drop column location;
                alter table telemetry.rollup_pending drop constraint pk_rollup_pending;
                alter table telemetry.rollup_pending add constraint pk_rollup_pending primary key (tenant_id, monitor_id, hour_start);
                alter table telemetry.rollup_pending drop column location;

                create index ix_ping_results_monitor_due_at on telemetry.ping_results (monitor_id, due_at);
                alter table telemetry.ping_results drop constraint pk_ping_results;
                alter table telemetry.ping_results add constraint pk_ping_results primary key (check_id, due_at);
                alter table telemetry.ping_results drop column unknown, drop column location;
                """);
        }
    }
}
