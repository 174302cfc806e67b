{{/* Names and labels shared by every template. */}}
{{- define "sentinel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sentinel.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sentinel.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sentinel
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* gateway, telemetryIngest → gateway, telemetry-ingest: the component name Kubernetes objects carry. */}}
{{- define "sentinel.component" -}}
{{- regexReplaceAll "([a-z])([A-Z])" . "${1}-${2}" | lower -}}
{{- end -}}

{{- define "sentinel.rabbitmqHost" -}}
{{- if .Values.rabbitmq.enabled -}}
{{- include "sentinel.fullname" . }}-rabbitmq
{{- else -}}
{{- .Values.externalRabbitmq.host -}}
{{- end -}}
{{- end -}}

{{- define "sentinel.redisConfiguration" -}}
{{- if .Values.redis.enabled -}}
{{- include "sentinel.fullname" . }}-redis:6379
{{- else -}}
{{- .Values.externalRedis.configuration -}}
{{- end -}}
{{- end -}}

{{- define "sentinel.postgresConnectionString" -}}
{{- if .Values.postgresql.enabled -}}
Host={{ include "sentinel.fullname" . }}-postgresql;Port=5432;Database={{ .Values.postgresql.database }};Username={{ .Values.postgresql.username }};Password={{ .Values.postgresql.password }}
{{- else -}}
{{- .Values.externalDatabase.connectionString -}}
{{- end -}}
{{- end -}}
