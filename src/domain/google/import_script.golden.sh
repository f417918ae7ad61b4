#!/bin/sh
# Imports a key exported from a Cosmian KMS into the Cloud KMS key
#   projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/cryptoKeys/aes-1
# as a new google-symmetric-encryption version, through the import job
#   projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/importJobs/job-1
# The import job expires at 2026-12-03T10:15:00Z (expireTime).
#
# Usage: sh import-google-aes-1.sh [--dry-run]
# First checks everything: the wrapped key it carries (its SHA-256), the
# import job's expiry, the tools, and that no different file of the same
# name is next to it; a refusal leaves this folder as it was. Then writes
# the file next to this script, runs gcloud kms keys versions import and
# stops if the new version is not PENDING_IMPORT or ENABLED. --dry-run
# checks and writes the file and prints the command: it sends nothing to
# Google Cloud and needs no gcloud.
# Needs: gcloud (signed in: gcloud auth login), sha256sum or shasum, base64
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
# gcloud asks nothing: a question would stop an unattended run.
CLOUDSDK_CORE_DISABLE_PROMPTS=1
export CLOUDSDK_CORE_DISABLE_PROMPTS

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
    fail "Neither sha256sum nor shasum is installed, so the files cannot be checked: install coreutils (sha256sum) or Perl (shasum) and run this script again. No file was written and nothing was sent to Google Cloud."
fi
if command -v base64 >/dev/null 2>&1; then
    from_base64() { base64 -d; }
elif command -v openssl >/dev/null 2>&1; then
    from_base64() { openssl base64 -d; }
else
    fail "Neither base64 nor openssl is installed, so the files cannot be decoded: install coreutils (base64) or OpenSSL and run this script again. No file was written and nothing was sent to Google Cloud."
fi

# Every check comes before the first file is written next to this script:
# a refusal leaves this folder as it was.
# expireTime in UTC as digits: numbers compare in any POSIX shell.
if [ "$(date -u +%Y%m%d%H%M%S)" -ge 20261203101500 ]; then
    fail "The import job job-1 expired at 2026-12-03T10:15:00Z (expireTime): Google refuses keys wrapped for it now. Create a new import job, import it on the Google import page, export again and download a new script. No file was written and nothing was sent to Google Cloud."
fi
if [ "$dry_run" = false ] && ! command -v gcloud >/dev/null 2>&1; then
    fail "The Google Cloud CLI (gcloud) is not on PATH: install it, or run this script in Cloud Shell, and run it again (with --dry-run it only checks and writes the file, and needs no gcloud). No file was written and nothing was sent to Google Cloud."
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
work=$(mktemp -d ./.import-script.XXXXXX) || fail "No temporary folder could be made next to this script (see above): run the script in a folder you may write to. No file was written and nothing was sent to Google Cloud."

# unpack NAME SHA256 < base64: NAME decoded into the temporary folder, checked.
unpack() {
    from_base64 >"$work/$1" || fail "The $1 this script carries could not be decoded or written (see above): make room on the disk if it is full, else download the script again. No file was written and nothing was sent to Google Cloud."
    got=$(sha256 "$work/$1")
    [ "$got" = "$2" ] ||
        fail "The $1 this script carries is damaged (SHA-256 $got, expected $2): download the script again. No file was written and nothing was sent to Google Cloud."
}

# refuse_other NAME SHA256: stops when a different NAME is next to this script.
refuse_other() {
    if [ -e "./$1" ] || [ -L "./$1" ]; then
        have=$(sha256 "./$1")
        [ "$have" = "$2" ] ||
            fail "$1 next to this script differs from the one it carries (SHA-256 $have, expected $2) and was left as it is: move it away, or run the script from another folder. No file was written and nothing was sent to Google Cloud."
    fi
}

unpack aes-1-wrapped-key.bin 373e021c16177ba1e0a84223d8b2e0b24b9c2bfada269b0ba5e7e33dc37060e5 <<'END-OF-BASE64'
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD
END-OF-BASE64
refuse_other aes-1-wrapped-key.bin 373e021c16177ba1e0a84223d8b2e0b24b9c2bfada269b0ba5e7e33dc37060e5

# Every check passed: the file goes next to this script.
# place NAME SHA256: NAME moved there, unless the same one is already there.
place() {
    refuse_other "$1" "$2"
    if [ -e "./$1" ]; then
        printf '%s is already there and the same (SHA-256 %s).\n' "$1" "$2"
    else
        mv "$work/$1" "./$1" || fail "$1 could not be moved next to this script (see above): run the script in a folder you may write to. Any file this run wrote was removed, so the folder is as it was, and nothing was sent to Google Cloud."
        placed=$1
        printf 'Wrote %s (SHA-256 %s).\n' "$1" "$2"
    fi
}
place aes-1-wrapped-key.bin 373e021c16177ba1e0a84223d8b2e0b24b9c2bfada269b0ba5e7e33dc37060e5
placed=''
rm -rf "$work"
work=''

if [ "$dry_run" = true ]; then
    printf '%s\n' 'Dry run: nothing was sent to Google Cloud. The script would run:'
    printf '%s\n' 'gcloud kms keys versions import \
    --import-job job-1 \
    --location europe-west1 \
    --keyring byok-ring \
    --project byok-demo-471203 \
    --key aes-1 \
    --algorithm google-symmetric-encryption \
    --wrapped-key-file aes-1-wrapped-key.bin \
    --format json'
    exit 0
fi

printf 'Running:\n%s\n' 'gcloud kms keys versions import \
    --import-job job-1 \
    --location europe-west1 \
    --keyring byok-ring \
    --project byok-demo-471203 \
    --key aes-1 \
    --algorithm google-symmetric-encryption \
    --wrapped-key-file aes-1-wrapped-key.bin \
    --format json'
version=$(
gcloud kms keys versions import \
    --import-job job-1 \
    --location europe-west1 \
    --keyring byok-ring \
    --project byok-demo-471203 \
    --key aes-1 \
    --algorithm google-symmetric-encryption \
    --wrapped-key-file aes-1-wrapped-key.bin \
    --format json
    ) || fail "Google Cloud refused the import (its message is above). PERMISSION_DENIED: the account needs cloudkms.cryptoKeyVersions.create (roles/cloudkms.importer); FAILED_PRECONDITION: the key's protection level or purpose does not fit the job or the algorithm, or the job expired."
printf '%s\n' "$version"
# The version JSON without blanks: one form to match whatever gcloud's indentation.
flat=$(printf '%s' "$version" | tr -d ' \n\t\r')
case "$flat" in
    *'"name":"projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/cryptoKeys/aes-1/cryptoKeyVersions/'*) ;;
    *) fail 'The version gcloud printed is not a version of projects/byok-demo-471203/locations/europe-west1/keyRings/byok-ring/cryptoKeys/aes-1: check the key in the Google Cloud console.' ;;
esac
case "$flat" in
    *'"state":"ENABLED"'*) state=ENABLED ;;
    *'"state":"PENDING_IMPORT"'*) state=PENDING_IMPORT ;;
    *) fail "The new version is not PENDING_IMPORT or ENABLED (its JSON is above; importFailureReason says why when it is IMPORT_FAILED): the wrapped key does not fit the job or the algorithm. Export again for this job." ;;
esac
printf '%s\n' "Done: the version is $state (PENDING_IMPORT becomes ENABLED within minutes; gcloud kms keys versions describe shows it)." 'Google accepting the key under its own import job is the proof it holds aes-1'\''s material.'
