#!/bin/sh
# Imports key material exported from a Cosmian KMS into the AWS KMS key
#   arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b
# Key spec SYMMETRIC_DEFAULT, key material does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE).
# The import token is valid until 2026-11-30T15:07:13Z (ParametersValidTo).
#
# Usage: sh import-SYMMETRIC_DEFAULT-350e35ef.sh [--dry-run]
# First checks everything: the two files it carries (their SHA-256), the
# import parameters' expiry, the tools, and that no different file of the
# same name is next to it; a refusal leaves this folder as it was. Then
# writes the two files below next to this script, runs aws kms
# describe-key, aws kms import-key-material and describe-key again, and
# stops if the key is not Enabled. --dry-run checks and writes the files
# and prints the commands: it sends nothing to AWS and needs no AWS CLI.
# Needs: the AWS CLI (aws), sha256sum or shasum, base64 or openssl, mktemp.
# The AWS CLI's own settings apply as usual (AWS_PROFILE, AWS_ENDPOINT_URL,
# credentials); the Region comes from the key ARN. Written by the BYOK UI:
# run it as it is, it never needs editing.
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
# Output is printed, never paged (AWS CLI v2).
AWS_PAGER=''
export AWS_PAGER

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
    fail "Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. No file was written and nothing was sent to AWS."
fi
if command -v base64 >/dev/null 2>&1; then
    from_base64() { base64 -d; }
elif command -v openssl >/dev/null 2>&1; then
    from_base64() { openssl base64 -d; }
else
    fail "Neither base64 nor openssl is installed, so the files cannot be decoded: install coreutils (base64) or OpenSSL and run this script again. No file was written and nothing was sent to AWS."
fi

# Every check comes before the first file is written next to this script:
# a refusal leaves this folder as it was.
# ParametersValidTo in UTC as digits: numbers compare in any POSIX shell.
if [ "$(date -u +%Y%m%d%H%M%S)" -ge 20261130150713 ]; then
    fail "The import parameters expired at 2026-11-30T15:07:13Z (ParametersValidTo): AWS refuses this import token now. Run get-parameters-for-import again, import the new wrapping key into the KMS, export again and download a new script. No file was written and nothing was sent to AWS."
fi
if [ "$dry_run" = false ] && ! command -v aws >/dev/null 2>&1; then
    fail "The AWS CLI (aws) is not on PATH: install it, or run this script in AWS CloudShell, and run it again (with --dry-run it only checks and writes the files, and needs no AWS CLI). No file was written and nothing was sent to AWS."
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
work=$(mktemp -d ./.import-script.XXXXXX) || fail "No temporary folder could be made next to this script (see above): run the script in a folder you may write to. No file was written and nothing was sent to AWS."

# unpack NAME SHA256 < base64: NAME decoded into the temporary folder, checked.
unpack() {
    from_base64 >"$work/$1" || fail "The $1 this script carries could not be decoded or written (see above): make room on the disk if it is full, else download the script again. No file was written and nothing was sent to AWS."
    got=$(sha256 "$work/$1")
    [ "$got" = "$2" ] ||
        fail "The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. No file was written and nothing was sent to AWS."
}

# refuse_other NAME SHA256: stops when a different NAME is next to this script.
refuse_other() {
    if [ -e "./$1" ] || [ -L "./$1" ]; then
        have=$(sha256 "./$1")
        [ "$have" = "$2" ] ||
            fail "$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. No file was written and nothing was sent to AWS."
    fi
}

unpack EncryptedKeyMaterial.bin 5dcc1b5872dd9ff1c234501f1fefda01f664164e1583c3e1bb3dbea47588ab31 <<'END-OF-BASE64'
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
AAAAAAAAAAAAAAAA
END-OF-BASE64
unpack ImportToken.bin 90fa057213e6fee3ae3b033c4116eabeb9b4b0af53c86ce4dc028eed1569aa89 <<'END-OF-BASE64'
dG9rZW4gYnl0ZXM=
END-OF-BASE64
refuse_other EncryptedKeyMaterial.bin 5dcc1b5872dd9ff1c234501f1fefda01f664164e1583c3e1bb3dbea47588ab31
refuse_other ImportToken.bin 90fa057213e6fee3ae3b033c4116eabeb9b4b0af53c86ce4dc028eed1569aa89

# Every check passed: the two files go next to this script.
# place NAME SHA256: NAME moved there, unless the same one is already there.
place() {
    refuse_other "$1" "$2"
    if [ -e "./$1" ]; then
        printf '%s is already there and the same (SHA-256 %s).\n' "$1" "$2"
    else
        mv "$work/$1" "./$1" || fail "$1 could not be moved next to this script (see above): run the script in a folder you may write to. Any file this run wrote was removed, so the folder is as it was, and nothing was sent to AWS."
        placed=$1
        printf 'Wrote %s (SHA-256 %s).\n' "$1" "$2"
    fi
}
place EncryptedKeyMaterial.bin 5dcc1b5872dd9ff1c234501f1fefda01f664164e1583c3e1bb3dbea47588ab31
place ImportToken.bin 90fa057213e6fee3ae3b033c4116eabeb9b4b0af53c86ce4dc028eed1569aa89
placed=''
rm -rf "$work"
work=''

if [ "$dry_run" = true ]; then
    printf '%s\n' 'Dry run: nothing was sent to AWS. The script would run:'
    printf '%s\n' 'aws kms describe-key \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --region eu-west-3 \
    --query KeyMetadata.KeyState --output text' 'aws kms import-key-material \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --encrypted-key-material fileb://EncryptedKeyMaterial.bin \
    --import-token fileb://ImportToken.bin \
    --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE \
    --region eu-west-3' 'aws kms describe-key \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --region eu-west-3 \
    --query KeyMetadata.KeyState --output text'
    exit 0
fi

# Sets $state to the key's KeyState, as describe-key tells it.
read_state() {
    printf 'Running:\n%s\n' 'aws kms describe-key \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --region eu-west-3 \
    --query KeyMetadata.KeyState --output text'
    state=$(
aws kms describe-key \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --region eu-west-3 \
    --query KeyMetadata.KeyState --output text
    ) || fail "AWS refused describe-key (its message is above): check the credentials (AWS_PROFILE), the Region and the key ARN."
}

read_state
case "$state" in
    PendingImport) ;;
    Enabled)
        printf '%s\n' 'The key arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b is already Enabled: its key material is already imported (by an earlier run of this script or another import). Nothing was imported.'
        exit 0
        ;;
    *) fail "The key is $state, not PendingImport: key material can be imported only into a key waiting for it. Check the key in the AWS console. Nothing was imported." ;;
esac

printf 'Running:\n%s\n' 'aws kms import-key-material \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --encrypted-key-material fileb://EncryptedKeyMaterial.bin \
    --import-token fileb://ImportToken.bin \
    --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE \
    --region eu-west-3'
if ! aws kms import-key-material \
    --key-id arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b \
    --encrypted-key-material fileb://EncryptedKeyMaterial.bin \
    --import-token fileb://ImportToken.bin \
    --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE \
    --region eu-west-3; then
    fail "AWS refused the import (its message is above). InvalidCiphertext or InvalidImportToken: the files are not from the same get-parameters-for-import call as the key; ExpiredImportToken: run get-parameters-for-import again and export again."
fi

read_state
[ "$state" = Enabled ] || fail "After the import the key is $state, not Enabled: check the key in the AWS console."
printf '%s\n' 'Done: the key arn:aws:kms:eu-west-3:447182645454:key/350e35ef-ac51-4dbb-82a4-9bc50b0ea42b is Enabled with the imported key material. AWS accepting the material under its own import token is the proof it holds this key.'
