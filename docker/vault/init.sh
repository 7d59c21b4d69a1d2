#!/bin/sh
# vault-init (docker/compose.yaml): a one-shot job, run again by every `docker compose up`; each step
# checks first, so running it twice changes nothing.
#   1. waits for Vault's API at $VAULT_ADDR;
#   2. the first time only: initialises Vault with ONE key share (threshold 1) and keeps the unseal
#      key and the root token as root-only files (0600) on the vault-keys volume ($KEYS_DIR);
#   3. unseals Vault if it is sealed (it is after every restart of the vault container);
#   4. enables KV v2 at secret/ and AppRole auth, writes the service's policy and its role, whose
#      role_id is the fixed, non-secret $VAULT_ROLE_ID the service is given too;
#   5. writes a secret_id to $APPROLE_DIR/secret-id (0400, owned by the service's uid:gid), unless
#      the one already there still logs in. The service reads it through VAULT_SECRET_ID_FILE.
# A single-node lab: an unseal key on a volume next to Vault protects nothing against whoever can read
# that volume. Real deployments use auto-unseal (cloud KMS, HSM or Transit), split recovery keys among
# people, revoke the root token, and deliver secret_ids through a trusted orchestrator. See
# docs/production.md.
set -eu

: "${VAULT_ADDR:?VAULT_ADDR must name the Vault to initialise}"
export VAULT_ADDR
ROLE_ID=${VAULT_ROLE_ID:?VAULT_ROLE_ID must be the role_id the service logs in with}
SERVICE_UID=${SERVICE_UID:?SERVICE_UID must be the service user uid}
SERVICE_GID=${SERVICE_GID:?SERVICE_GID must be the service user gid}
ROLE=tenant-onboarding
KEYS_DIR=${KEYS_DIR:-/vault-keys}
APPROLE_DIR=${APPROLE_DIR:-/vault-approle}
POLICY_FILE=${POLICY_FILE:-/vault-init/tenant-onboarding-policy.hcl}
WAIT_SECONDS=${WAIT_SECONDS:-120}
umask 077
chmod 0700 "$KEYS_DIR"

fail() {
    echo "vault-init: $*" >&2
    exit 1
}

# Vault's status, waiting for an answer. `vault status` exits 0 unsealed, 2 sealed or not initialised,
# 1 when it cannot ask; with want=unsealed it also waits for 0 (an unsealed node becoming active).
state() {
    waited=0
    while :; do
        rc=0
        out=$(vault status -format=json 2>/dev/null) || rc=$?
        if [ "$rc" -eq 0 ] || { [ "$rc" -eq 2 ] && [ "${1:-}" != unsealed ]; }; then
            printf '%s\n' "$out"
            return 0
        fi
        waited=$((waited + 1))
        [ "$waited" -lt "$WAIT_SECONDS" ] || fail "Vault at $VAULT_ADDR gave no usable status within ${WAIT_SECONDS}s"
        sleep 1
    done
}

status=$(state)

if printf '%s' "$status" | grep -q '"initialized": *false'; then
    echo "vault-init: initialising Vault (1 key share, threshold 1: single-node lab)"
    # The whole answer is kept until both values are safely out of it.
    vault operator init -key-shares=1 -key-threshold=1 -format=json > "$KEYS_DIR/init.json"
    sed -n '/"unseal_keys_b64"/{n;s/^[^"]*"\([^"]*\)".*$/\1/p;}' "$KEYS_DIR/init.json" > "$KEYS_DIR/unseal-key.new"
    sed -n 's/^.*"root_token": *"\([^"]*\)".*$/\1/p' "$KEYS_DIR/init.json" > "$KEYS_DIR/root-token.new"
    [ -s "$KEYS_DIR/unseal-key.new" ] && [ -s "$KEYS_DIR/root-token.new" ] \
        || fail "could not read the unseal key and root token from $KEYS_DIR/init.json (kept there)"
    mv "$KEYS_DIR/unseal-key.new" "$KEYS_DIR/unseal-key"
    mv "$KEYS_DIR/root-token.new" "$KEYS_DIR/root-token"
    rm "$KEYS_DIR/init.json"
    status=$(state)
fi

if printf '%s' "$status" | grep -q '"sealed": *true'; then
    [ -s "$KEYS_DIR/unseal-key" ] || fail "Vault is sealed and $KEYS_DIR/unseal-key is missing"
    echo "vault-init: unsealing Vault"
    vault operator unseal "$(cat "$KEYS_DIR/unseal-key")" > /dev/null
fi
state unsealed > /dev/null

[ -s "$KEYS_DIR/root-token" ] || fail "$KEYS_DIR/root-token is missing: cannot configure Vault"
VAULT_TOKEN=$(cat "$KEYS_DIR/root-token")
export VAULT_TOKEN

vault secrets list -format=json | grep -q '"secret/"' || vault secrets enable -path=secret -version=2 kv
vault auth list -format=json | grep -q '"approle/"' || vault auth enable approle
vault policy write "$ROLE" "$POLICY_FILE" > /dev/null
# Tokens live an hour and are renewed by the service (a new login past token_max_ttl); the secret_id
# does not expire and may be used any number of times: the service logs in again after every restart.
vault write "auth/approle/role/$ROLE" token_policies="$ROLE" token_ttl=1h token_max_ttl=24h \
    secret_id_ttl=0 secret_id_num_uses=0 > /dev/null
vault write "auth/approle/role/$ROLE/role-id" role_id="$ROLE_ID" > /dev/null

secret_id_file="$APPROLE_DIR/secret-id"
if [ -s "$secret_id_file" ] && token=$(vault write -field=token auth/approle/login \
        role_id="$ROLE_ID" secret_id="$(cat "$secret_id_file")" 2>/dev/null); then
    VAULT_TOKEN=$token vault token revoke -self > /dev/null
    echo "vault-init: the service's secret_id still logs in; kept"
else
    vault write -f -field=secret_id "auth/approle/role/$ROLE/secret-id" > "$secret_id_file.new"
    chown "$SERVICE_UID:$SERVICE_GID" "$secret_id_file.new"
    chmod 0400 "$secret_id_file.new"
    mv -f "$secret_id_file.new" "$secret_id_file"
    echo "vault-init: wrote a new secret_id for the service to $secret_id_file"
fi
echo "vault-init: Vault is unsealed, KV v2 at secret/, AppRole $ROLE ready"
