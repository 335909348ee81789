{{/* Names, labels and the pieces both deployments share. */}}

{{- define "medlora.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "medlora.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: pass (dict "root" $ "component" "service"). */}}
{{- define "medlora.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "medlora.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "medlora.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "medlora.storeClaim" -}}
{{- default (printf "%s-store" (include "medlora.fullname" .)) .Values.store.existingClaim -}}
{{- end -}}

{{- define "medlora.authSecret" -}}
{{- default (printf "%s-auth" (include "medlora.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "medlora.bootstrapServers" -}}
{{- required "kafka.bootstrapServers is required: the Kafka brokers both applications use, e.g. --set kafka.bootstrapServers=kafka:9092" .Values.kafka.bootstrapServers -}}
{{- end -}}

{{/* An image reference: the tag defaults to appVersion, "-gpu" added for the GPU build.
     Pass (dict "root" $ "component" .Values.service). The names are those docker/build.sh builds. */}}
{{- define "medlora.image" -}}
{{- $tag := default .root.Chart.AppVersion .component.image.tag -}}
{{- if .component.gpu.enabled -}}{{- $tag = printf "%s-gpu" $tag -}}{{- end -}}
{{- printf "%s:%s" .component.image.repository $tag -}}
{{- end -}}

{{/* Pod security: non-root (the images' user 10001), all capabilities dropped. */}}
{{- define "medlora.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "medlora.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Scheduling of one component, GPU options merged in: pass (dict "component" .Values.worker). */}}
{{- define "medlora.scheduling" -}}
{{- $c := .component -}}
{{- $nodeSelector := $c.nodeSelector -}}
{{- $tolerations := $c.tolerations -}}
{{- if $c.gpu.enabled -}}
{{- $nodeSelector = merge (deepCopy $c.gpu.nodeSelector) $c.nodeSelector -}}
{{- $tolerations = concat $c.tolerations $c.gpu.tolerations -}}
{{- if $c.gpu.runtimeClassName }}
runtimeClassName: {{ $c.gpu.runtimeClassName }}
{{- end }}
{{- end }}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Resources of one component, with the nvidia.com/gpu limit when its GPU is on. */}}
{{- define "medlora.resources" -}}
{{- $resources := deepCopy .component.resources -}}
{{- if .component.gpu.enabled -}}
{{- $limits := merge (dict "nvidia.com/gpu" .component.gpu.count) (default dict $resources.limits) -}}
{{- $_ := set $resources "limits" $limits -}}
{{- end -}}
{{- toYaml $resources -}}
{{- end -}}
