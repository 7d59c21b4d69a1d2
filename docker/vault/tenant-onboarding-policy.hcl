# What the service's AppRole token may do: the secret paths of the contract (CONTRACT.md section 5) on
# the KV v2 mount "secret" (VAULT_KV_MOUNT), nothing else. Reading its own token and renewing it
# (auth/token/lookup-self, renew-self) come with Vault's default policy.
# A new top-level secret path in the service needs a line here too.
path "secret/data/tenant-roles/*"     { capabilities = ["create", "read", "update", "delete"] }
path "secret/data/tenant-users/*"     { capabilities = ["create", "read", "update", "delete"] }
path "secret/data/tenant-auth/*"      { capabilities = ["create", "read", "update", "delete"] }
path "secret/data/tenant-git/*"       { capabilities = ["create", "read", "update", "delete"] }
path "secret/data/platform/*"         { capabilities = ["create", "read", "update", "delete"] }

# Deleting a secret removes its metadata and so every version; listing finds leftovers (reconcile).
path "secret/metadata/tenant-roles/*" { capabilities = ["read", "list", "delete"] }
path "secret/metadata/tenant-users/*" { capabilities = ["read", "list", "delete"] }
path "secret/metadata/tenant-auth/*"  { capabilities = ["read", "list", "delete"] }
path "secret/metadata/tenant-git/*"   { capabilities = ["read", "list", "delete"] }
path "secret/metadata/platform/*"     { capabilities = ["read", "list", "delete"] }
path "secret/metadata/"               { capabilities = ["list"] }
