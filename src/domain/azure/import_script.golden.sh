#!/bin/sh
# Imports a key exported from a Cosmian KMS as a .byok file into Azure as the key
#   rsa-1 in the Key Vault contosokeyvaulthsm
# (RSA-HSM 2048-bit), wrapped for the KEK https://contosokeyvaulthsm.vault.azure.net/keys/byok-kek/0123456789abcdef0123456789abcdef.
#
# Usage: sh import-azure-rsa-1.sh [--dry-run]
# First checks everything: the .byok file it carries (its SHA-256 and the KEK
# its header names), the tools, and that no different file of the same name
# is next to it; a refusal leaves this folder as it was. Then writes the file
# next to this script, runs az keyvault key import and az keyvault key show,
# and stops if the key shown is not in this vault under this name. --dry-run
# checks and writes the file and prints the commands: it sends nothing to
# Azure and needs no Azure CLI.
# Needs: the Azure CLI (az, signed in: az login), sha256sum or shasum, base64
# or openssl, mktemp, tr. Written by the BYOK UI: run it as it is, it never
# needs editing.
set -eu

fail() {
    printf 'import script: %s\n' "$*" >&2
    exit 1
}

dry_run=false
case "$#:${1-}" in
    0:) ;;
    1:--dry-run) dry_run=true ;;
    *)
        printf 'Usage: sh %s [--dry-run]\n' "$0" >&2
        exit 2
        ;;
esac
# The command below names the files relative to this script's folder.
cd "$(dirname -- "$0")"
# Output is printed, never paged or coloured.
AZURE_CORE_NO_COLOR=1
export AZURE_CORE_NO_COLOR

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
    fail "Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. No file was written and nothing was sent to Azure."
fi
if command -v base64 >/dev/null 2>&1; then
    from_base64() { base64 -d; }
elif command -v openssl >/dev/null 2>&1; then
    from_base64() { openssl base64 -d; }
else
    fail "Neither base64 nor openssl is installed, so the files cannot be decoded: install coreutils (base64) or OpenSSL and run this script again. No file was written and nothing was sent to Azure."
fi

# Every check comes before the first file is written next to this script:
# a refusal leaves this folder as it was.
if [ "$dry_run" = false ] && ! command -v az >/dev/null 2>&1; then
    fail "The Azure CLI (az) is not on PATH: install it, or run this script in Azure Cloud Shell, and run it again (with --dry-run it only checks and writes the file, and needs no Azure CLI). No file was written and nothing was sent to Azure."
fi

# The files are decoded and checked in a temporary folder here, removed on
# every exit, as is a file placed by a placement that did not finish.
work=''
placed=''
clean_up() {
    if [ -n "$placed" ]; then rm -f "./$placed"; fi
    if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap clean_up EXIT
trap 'exit 1' HUP INT TERM
work=$(mktemp -d ./.import-script.XXXXXX) || fail "No temporary folder could be made next to this script (see above): run the script in a folder you may write to. No file was written and nothing was sent to Azure."

# unpack NAME SHA256 < base64: NAME decoded into the temporary folder, checked.
unpack() {
    from_base64 >"$work/$1" || fail "The $1 this script carries could not be decoded or written (see above): make room on the disk if it is full, else download the script again. No file was written and nothing was sent to Azure."
    got=$(sha256 "$work/$1")
    [ "$got" = "$2" ] ||
        fail "The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. No file was written and nothing was sent to Azure."
}

# refuse_other NAME SHA256: stops when a different NAME is next to this script.
refuse_other() {
    if [ -e "./$1" ] || [ -L "./$1" ]; then
        have=$(sha256 "./$1")
        [ "$have" = "$2" ] ||
            fail "$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. No file was written and nothing was sent to Azure."
    fi
}

unpack rsa-1.byok fe128b0a6fa0d2aaa814ef196feeced674ab5a2b44ae488520655c1dfcaf3d28 <<'END-OF-BASE64'
eyJzY2hlbWFfdmVyc2lvbiI6IjEuMC4wIiwiaGVhZGVyIjp7ImtpZCI6Imh0dHBz
Oi8vY29udG9zb2tleXZhdWx0aHNtLnZhdWx0LmF6dXJlLm5ldC9rZXlzL2J5b2st
a2VrLzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwiYWxnIjoiZGly
IiwiZW5jIjoiQ0tNX1JTQV9BRVNfS0VZX1dSQVAifSwiY2lwaGVydGV4dCI6IkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJRVUZCUVVGQlFVRkJR
VUZCUVVGQlFVRkJRVUYiLCJnZW5lcmF0b3IiOiJieW9rLXVpOzAuMS4wIn0=
END-OF-BASE64
refuse_other rsa-1.byok fe128b0a6fa0d2aaa814ef196feeced674ab5a2b44ae488520655c1dfcaf3d28

# The .byok's header names the KEK the key was wrapped for.
byok_text=$(cat "$work/"rsa-1.byok)
case "$byok_text" in
    *'"header":{"kid":"https://contosokeyvaulthsm.vault.azure.net/keys/byok-kek/0123456789abcdef0123456789abcdef"'*) ;;
    *) fail "The .byok this script carries is not wrapped for the KEK https://contosokeyvaulthsm.vault.azure.net/keys/byok-kek/0123456789abcdef0123456789abcdef: Azure would refuse it. Export the key again for that KEK and download a new script. No file was written and nothing was sent to Azure." ;;
esac

# Every check passed: the file goes next to this script.
# place NAME SHA256: NAME moved there, unless the same one is already there.
place() {
    refuse_other "$1" "$2"
    if [ -e "./$1" ]; then
        printf '%s is already there and the same (SHA-256 %s).\n' "$1" "$2"
    else
        mv "$work/$1" "./$1" || fail "$1 could not be moved next to this script (see above): run the script in a folder you may write to. Any file this run wrote was removed, so the folder is as it was, and nothing was sent to Azure."
        placed=$1
        printf 'Wrote %s (SHA-256 %s).\n' "$1" "$2"
    fi
}
place rsa-1.byok fe128b0a6fa0d2aaa814ef196feeced674ab5a2b44ae488520655c1dfcaf3d28
placed=''
rm -rf "$work"
work=''

if [ "$dry_run" = true ]; then
    printf '%s\n' 'Dry run: nothing was sent to Azure. The script would run:'
    printf '%s\n' 'az keyvault key import \
    --vault-name contosokeyvaulthsm \
    --name rsa-1 \
    --byok-file rsa-1.byok \
    --kty RSA \
    --ops sign verify \
    --expires 2027-01-31T00:00:00Z' 'az keyvault key show \
    --name rsa-1 \
    --vault-name contosokeyvaulthsm \
    --query key.kid --output tsv'
    exit 0
fi

printf 'Running:\n%s\n' 'az keyvault key import \
    --vault-name contosokeyvaulthsm \
    --name rsa-1 \
    --byok-file rsa-1.byok \
    --kty RSA \
    --ops sign verify \
    --expires 2027-01-31T00:00:00Z'
if ! az keyvault key import \
    --vault-name contosokeyvaulthsm \
    --name rsa-1 \
    --byok-file rsa-1.byok \
    --kty RSA \
    --ops sign verify \
    --expires 2027-01-31T00:00:00Z; then
    fail "Azure refused the import (its message is above). Forbidden: the signed-in identity needs the import permission (az login, the vault's access policy or RBAC role); BadParameter about the KEK: the file is not wrapped for a KEK of this vault, export again."
fi

printf 'Running:\n%s\n' 'az keyvault key show \
    --name rsa-1 \
    --vault-name contosokeyvaulthsm \
    --query key.kid --output tsv'
kid=$(
az keyvault key show \
    --name rsa-1 \
    --vault-name contosokeyvaulthsm \
    --query key.kid --output tsv
    ) || fail "Azure refused az keyvault key show (its message is above): check the signed-in identity's get permission."
# Vault and key names are case-insensitive in Azure.
kid_lower=$(printf '%s' "$kid" | tr '[:upper:]' '[:lower:]')
case "$kid_lower" in
    https://contosokeyvaulthsm.vault.azure.net/keys/rsa-1/?*) ;;
    *) fail "Azure shows the key as $kid, not a version of https://contosokeyvaulthsm.vault.azure.net/keys/rsa-1/: check the vault and key name in the Azure portal." ;;
esac
printf '%s\n' "Done: Azure holds the key as $kid." 'To prove Azure holds the same material as rsa-1, check its public key in the BYOK ledger.'
