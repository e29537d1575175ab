{{/* Names and labels shared by every object. */}}
{{- define "acesniper.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "acesniper.labels" -}}
app.kubernetes.io/name: acesniper
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "acesniper.modelConfigMap" -}}
{{- if .Values.model.existingConfigMap -}}
{{ .Values.model.existingConfigMap }}
{{- else -}}
{{ include "acesniper.fullname" . }}-model
{{- end -}}
{{- end -}}
