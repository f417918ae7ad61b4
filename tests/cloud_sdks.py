"""Builds each cloud's import request from our files with the cloud's own published SDK.

Why: no emulator accepts an Azure BYOK or a Google import job, so the e2e tests check our
files and commands here against azure-keyvault-keys and google-cloud-kms, offline.
Reads one JSON request on stdin, prints one JSON answer; an SDK refusal is an exception.
"""

import base64
import json
import sys
from datetime import datetime


def azure(request):
    """`az keyvault key import --byok-file` as azure-cli's keyvault/custom.py import_key does it:
    JsonWebKey(key_ops=--ops), kty = --kty + "-HSM", t = the file's bytes, crv = --curve;
    KeyClient.import_key's KeyImportParameters serialized by the SDK's own request builder."""
    from azure.keyvault.keys import JsonWebKey, ApiVersion
    from azure.keyvault.keys._generated import models
    from azure.keyvault.keys._generated._operations._operations import (
        build_key_vault_import_key_request,
    )
    from azure.keyvault.keys._generated._utils.model_base import SdkJSONEncoder

    with open(request["byok_file"], "rb") as f:
        byok_data = f.read()
    key = JsonWebKey(key_ops=request["ops"] or None)
    key.kty = request["kty"] + "-HSM"
    key.t = byok_data
    key.crv = request.get("curve")
    expires = request.get("expires")
    attributes = None
    if expires:
        attributes = models.KeyAttributes(
            expires=datetime.fromisoformat(expires.replace("Z", "+00:00"))
        )
    parameters = models.KeyImportParameters(
        key=key._to_generated_model(), key_attributes=attributes, hsm=None
    )
    content = json.dumps(parameters, cls=SdkJSONEncoder, exclude_readonly=True)
    built = build_key_vault_import_key_request(
        key_name=request["name"],
        content_type="application/json",
        api_version=ApiVersion.V2025_07_01.value,
        content=content,
    )
    return {"method": built.method, "url": built.url, "body": json.loads(content)}


def google(request):
    """`gcloud kms keys versions import --wrapped-key-file`: ImportCryptoKeyVersionRequest
    with the SDK's path helpers, algorithm enum and wire serialization."""
    from google.cloud import kms_v1

    client = kms_v1.KeyManagementServiceClient
    key = client.parse_crypto_key_path(request["key"])
    job = client.parse_import_job_path(request["import_job"])
    if not key or not job:
        raise ValueError(f"names the SDK does not parse: {request['key']} {request['import_job']}")
    algorithm = kms_v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm[request["algorithm"]]
    method = kms_v1.ImportJob.ImportMethod[request["import_method"]]
    with open(request["wrapped_key_file"], "rb") as f:
        wrapped = f.read()
    message = kms_v1.ImportCryptoKeyVersionRequest(
        parent=client.crypto_key_path(**key),
        import_job=client.import_job_path(**job),
        algorithm=algorithm,
        wrapped_key=wrapped,
    )
    wire = kms_v1.ImportCryptoKeyVersionRequest.serialize(message)
    back = kms_v1.ImportCryptoKeyVersionRequest.deserialize(wire)
    return {
        "parent": back.parent,
        "parent_parts": key,
        "import_job": back.import_job,
        "import_job_parts": job,
        "algorithm": back.algorithm.name,
        "import_method": method.name,
        "wrapped_key_sha256": __import__("hashlib").sha256(back.wrapped_key).hexdigest(),
        "wrapped_key_len": len(back.wrapped_key),
    }


def main():
    request = json.load(sys.stdin)
    answer = {"azure": azure, "google": google}[request["cloud"]](request)
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
