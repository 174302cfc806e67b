using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sentinel.TelemetryIngest.Migrations
{
    /// <inheritdoc />
    public partial class Rollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rollups are written and read only with hand-written SQL (arrays, upserts, window functions), like the
            // raw table, so they are plain DDL here rather than EF entities.
            // rollup_pending lists the (monitor, hour) pairs that received results since they were last rolled up: the
            // ingest adds them in the same statement that stores the results, so a late result for an hour already
            // rolled up is never missed, and the maintenance job folds only those hours in.
            migrationBuilder.Sql("""
                create table telemetry.rollup_pending (
                    tenant_id  uuid        not null,
                    monitor_id uuid        not null,
                    hour_start timestamptz not null,
                    constraint pk_rollup_pending primary key (tenant_id, monitor_id, hour_start)
                );
                create index ix_rollup_pending_hour_start on telemetry.rollup_pending (hour_start);

                create table telemetry.rollup_hourly (
                    tenant_id         uuid             not null,
                    monitor_id        uuid             not null,
                    hour_start        timestamptz      not null,
                    checks            integer          not null,
                    up_checks         integer          not null,
                    latency_min       double precision,
                    latency_max       double precision,
                    latency_sum       double precision not null,
                    p50               double precision,
                    p95               double precision,
                    p99               double precision,
                    first_at          timestamptz      not null,
                    first_up          boolean          not null,
                    last_at           timestamptz      not null,
                    last_up           boolean          not null,
                    down_seconds      double precision not null,
                    histogram_buckets smallint[]       not null,
                    histogram_counts  integer[]        not null,
                    rolled_up_at      timestamptz      not null,
                    constraint pk_rollup_hourly primary key (tenant_id, monitor_id, hour_start)
                );

                create table telemetry.rollup_daily (
                    tenant_id         uuid             not null,
                    monitor_id        uuid             not null,
                    day_start         timestamptz      not null,
                    checks            integer          not null,
                    up_checks         integer          not null,
                    latency_min       double precision,
                    latency_max       double precision,
                    latency_sum       double precision not null,
                    p50               double precision,
                    p95               double precision,
                    p99               double precision,
                    first_at          timestamptz      not null,
                    first_up          boolean          not null,
                    last_at           timestamptz      not null,
                    last_up           boolean          not null,
                    down_seconds      double precision not null,
                    histogram_buckets smallint[]       not null,
                    histogram_counts  integer[]        not null,
                    rolled_up_at      timestamptz      not null,
                    constraint pk_rollup_daily primary key (tenant_id, monitor_id, day_start)
                );

                -- Stats and rollups select one monitor's results by due time, the partition key, so only the
                -- partitions of the window are touched.
                create index ix_ping_results_monitor_due_at on telemetry.ping_results (monitor_id, due_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                drop index telemetry.ix_ping_results_monitor_due_at;
                drop table telemetry.rollup_daily;
                drop table telemetry.rollup_hourly;
                drop table telemetry.rollup_pending;
                """);
        }
    }
}
