# Vault server for docker/compose.yaml: one node, persistent file storage on the vault-data volume.
# A single-node lab: TLS off inside the compose network, unsealed by vault-init (docker/vault/init.sh)
# with a key kept on the vault-keys volume. A real deployment serves TLS and uses auto-unseal (a
# cloud KMS, an HSM or Transit), integrated (raft) storage with several nodes, and keeps no unseal
# key next to Vault. See docs/production.md.
storage "file" {
  path = "/vault/file"
}

listener "tcp" {
  address     = "0.0.0.0:8200"
  tls_disable = true
}

api_addr      = "http://vault:8200"
# No swap to keep secrets off, so no mlock needed; mlock needs IPC_LOCK, which the stack doesn't grant.
disable_mlock = true
ui            = false
