#!/bin/sh
# Registers the engine's custom search attributes (src/shared/messages.ts) in a Temporal
# namespace. Run once by the `temporal-admin-tools` service of docker-compose.yml, after the
# server is healthy; safe to run again: an attribute that already exists with the same type is
# left as it is, one that exists with another type is an error.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
ATTEMPTS=${WAIT_ATTEMPTS:-90}   # x 2 s between attempts

log() { printf '[search-attributes] %s\n' "$*"; }

# auto-setup registers the namespace in the background once the server serves; wait for it.
n=0
until temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do
  n=$((n + 1))
  if [ "$n" -ge "$ATTEMPTS" ]; then
    log "namespace '$NAMESPACE' not available on $ADDRESS after $n attempts" >&2
    exit 1
  fi
  log "waiting for namespace '$NAMESPACE' on $ADDRESS ($n/$ATTEMPTS)"
  sleep 2
done

# create NAME TYPE: retried on transient errors (e.g. a namespace cache not yet refreshed).
create() {
  n=0
  while :; do
    if out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$1" --type "$2" 2>&1); then
      log "$1 ($2): registered (or already present with this type)"
      return 0
    fi
    case $out in
      *"different type"*)
        log "$1: $out" >&2
        return 1 ;;
      *"already exists"*)
        log "$1 ($2): already exists"
        return 0 ;;
    esac
    n=$((n + 1))
    if [ "$n" -ge 10 ]; then
      log "$1: $out" >&2
      return 1
    fi
    log "$1: retrying after: $out"
    sleep 2
  done
}

create CenterId Keyword
create ProcedureCode Keyword
create RunStatus Keyword
create DueAt Datetime

temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE"
log "done"
