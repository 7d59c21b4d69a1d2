#!/bin/sh
# A stand-in for the vault CLI with just what docker/vault/init.sh uses (DeploymentScriptsTest): state
# in files under $FAKE_VAULT_STATE, every call appended to $FAKE_VAULT_STATE/calls. A file "down"
# there makes it unreachable (exit 1), as a Vault that is not up yet.
set -eu
S=$FAKE_VAULT_STATE
echo "$*" >> "$S/calls"
[ ! -e "$S/down" ] || exit 1

need_token() {
    [ -e "$S/root" ] && [ "${VAULT_TOKEN:-}" = "$(cat "$S/root")" ] || { echo "permission denied" >&2; exit 2; }
}
mounts() { # mounts STATE NAME BUILTIN: JSON with NAME listed once STATE exists
    need_token
    printf '{\n'
    [ ! -e "$S/$1" ] || printf '  "%s": {},\n' "$2"
    printf '  "%s": {}\n}\n' "$3"
}
enable() {
    need_token; [ ! -e "$S/$1" ] || exit 2; touch "$S/$1"
}
arg() { # the value of name=value among the arguments
    name=$1; shift
    for a in "$@"; do case "$a" in "$name"=*) echo "${a#*=}"; return;; esac; done
}

case "$1 $2" in
"status -format=json")
    init=false; sealed=true
    [ ! -e "$S/initialized" ] || init=true
    [ ! -e "$S/unsealed" ] || sealed=false
    printf '{\n  "type": "shamir",\n  "initialized": %s,\n  "sealed": %s,\n  "t": 1\n}\n' "$init" "$sealed"
    [ "$sealed" = false ] || exit 2 ;;
"operator init")
    [ ! -e "$S/initialized" ] || { echo "Vault is already initialized" >&2; exit 2; }
    touch "$S/initialized"
    echo "dW5zZWFsLWtleQ==" > "$S/key"
    echo "hvs.fake-root-token" > "$S/root"
    cat <<JSON
{
  "unseal_keys_b64": [
    "dW5zZWFsLWtleQ=="
  ],
  "unseal_keys_hex": [
    "756e7365616c2d6b6579"
  ],
  "unseal_shares": 1,
  "unseal_threshold": 1,
  "recovery_keys_b64": [],
  "recovery_keys_hex": [],
  "recovery_keys_shares": 0,
  "recovery_keys_threshold": 0,
  "root_token": "hvs.fake-root-token"
}
JSON
    ;;
"operator unseal")
    [ "$3" = "$(cat "$S/key")" ] || { echo "invalid key" >&2; exit 2; }
    touch "$S/unsealed" ;;
"secrets list")
    mounts kv secret/ sys/ ;;
"secrets enable")
    enable kv ;;
"auth list")
    mounts approle approle/ token/ ;;
"auth enable")
    enable approle ;;
"policy write")
    need_token; [ -s "$4" ] || exit 2; cp "$4" "$S/policy-$3" ;;
"token revoke")
    [ -n "${VAULT_TOKEN:-}" ] ;;
write\ *)
    case "$*" in
    *auth/approle/login*)
        [ "$(arg role_id "$@")" = "$(cat "$S/role-id")" ] && grep -qx "$(arg secret_id "$@")" "$S/secret-ids" \
            || { echo "invalid role or secret ID" >&2; exit 2; }
        echo "hvs.login-token" ;;
    *auth/approle/role/*/secret-id*)
        need_token
        id="secret-id-$(($(wc -l < "$S/secret-ids" 2>/dev/null || echo 0) + 1))"
        echo "$id" >> "$S/secret-ids"
        echo "$id" ;;
    *auth/approle/role/*/role-id*)
        need_token; arg role_id "$@" > "$S/role-id" ;;
    *auth/approle/role/*)
        need_token; echo "$*" > "$S/role" ;;
    *) echo "fake vault: unexpected $*" >&2; exit 2 ;;
    esac ;;
*)
    echo "fake vault: unexpected $*" >&2; exit 2 ;;
esac
